import { createInterface } from "node:readline/promises";

/** The terminal a command may ask questions on. */
export interface Terminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

/** How many answers that are not one of the choices are accepted before giving up. */
const ATTEMPTS = 3;

/**
 * Asks the person at the terminal to pick one of `choices` from a numbered
 * list; the answer may be the number or the name. Undefined when no valid
 * answer came (input closed, or three wrong answers).
 */
export async function askChoice(
  terminal: Terminal,
  question: string,
  choices: readonly string[],
  fallback?: string,
): Promise<string | undefined> {
  const rl = createInterface({ input: terminal.input, output: terminal.output, terminal: false });
  const closed = new Promise<undefined>((resolve) => rl.once("close", () => resolve(undefined)));
  try {
    const list = choices.map((c, i) => `  ${i + 1}) ${c}`).join("\n");
    terminal.output.write(`${question}\n${list}\n`);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const prompt = fallback ? `choose 1-${choices.length} [${fallback}]: ` : `choose 1-${choices.length}: `;
      const answer = await Promise.race([rl.question(prompt), closed]);
      if (answer === undefined) return undefined;
      const text = answer.trim();
      if (text === "" && fallback) return fallback;
      const index = /^\d+$/.test(text) ? Number(text) - 1 : choices.indexOf(text);
      const chosen = choices[index];
      if (chosen !== undefined) return chosen;
      terminal.output.write(`"${text}" is not one of the choices\n`);
    }
    return undefined;
  } finally {
    rl.close();
  }
}
