import { readdirSync } from "node:fs";
import { join } from "node:path";
import { rollForward } from "./in-place.js";
import { isRealFolder, manifestsDirName, recoverInterruptedSwap, tempPrefix } from "./tree.js";

/**
 * Undoes or finishes what a killed render left behind, under the render
 * lock and before anything reads the tree: an in-place update whose journal
 * was written is finished (in-place.ts), then a tree swap is undone and the
 * leftover trees are recycled or removed (recoverInterruptedSwap).
 */
export function recoverInterruptedWrite(root: string): void {
  if (isRealFolder(join(root, manifestsDirName))) {
    let names: string[] = [];
    try {
      names = readdirSync(root);
    } catch {
      // recoverInterruptedSwap reports a root that cannot be listed.
    }
    for (const name of names.sort()) if (name.startsWith(tempPrefix)) rollForward(root, join(root, name));
  }
  recoverInterruptedSwap(root);
}
