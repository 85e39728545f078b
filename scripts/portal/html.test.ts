import { describe, expect, it } from "vitest";
import {
  codeBlock,
  escapeElementText,
  escapeHtml,
  externalLink,
  HtmlBytes,
  html,
  join,
  webUrl,
} from "./html.js";

describe("html", () => {
  it("escapes every interpolated value and keeps the template's own markup", () => {
    const hostile = `<script>alert("x")</script> & 'q'`;
    expect(html`<p title="${hostile}">${hostile}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;</p>',
    );
  });

  it("inserts nested templates as markup, lists joined, and nothing for null, undefined and false", () => {
    const inner = html`<b>${"a<b"}</b>`;
    expect(html`${inner}${[1, "<", null, undefined, false]}`.text).toBe("<b>a&lt;b</b>1&lt;");
    expect(join(["<a>", html`<i>x</i>`], " | ").text).toBe("&lt;a&gt; | <i>x</i>");
  });

  it.each([
    ["javascript:alert(1)", undefined],
    ["JaVaScRiPt:alert(1)", undefined],
    [" javascript:alert(1)", undefined],
    ["data:text/html,<script>", undefined],
    ["//evil.example/x", undefined],
    ["/relative", undefined],
    ["vbscript:x", undefined],
    ["https://github.com/acme/platform", "https://github.com/acme/platform"],
    ["http://example.test/a?b=<c>", "http://example.test/a?b=%3Cc%3E"],
  ])("webUrl(%j) is %j: only absolute http(s) URLs become links", (url, expected) => {
    expect(webUrl(url)).toBe(expected);
  });

  it("externalLink leaves anything but http(s) as plain text", () => {
    expect(externalLink("javascript:alert(1)").text).toBe("<span>javascript:alert(1)</span>");
    expect(externalLink("https://x.example/?a=1&b=2", "x").text).toBe(
      '<a href="https://x.example/?a=1&amp;b=2" rel="noopener noreferrer">x</a>',
    );
  });

  it("escapeHtml leaves plain text alone", () => {
    expect(escapeHtml("checkout 1.4.2")).toBe("checkout 1.4.2");
  });

  const bytesOf = (parts: ReturnType<typeof codeBlock>) =>
    Buffer.concat(parts.map((p) => (p instanceof HtmlBytes ? p.bytes : Buffer.from(p.text)))).toString(
      "utf8",
    );

  it.each([
    ["a manifest without markup characters", 'expr: rate(x[5m]) > 2\nname: "a"\n'],
    ["a closing tag and a script", "</code></pre><script>alert(1)</script> & more"],
    ["an entity", "&lt; stays as typed: &amp;lt;"],
    ["non-ASCII text", "descripción: ñandú ✓ <b>"],
  ])("codeBlock of %s is the text escaped for element content, as bytes", (_title, text) => {
    const block = bytesOf(codeBlock(Buffer.from(text)));
    expect(block).toBe(`<pre><code>${escapeElementText(text)}</code></pre>`);
    expect(block.slice("<pre><code>".length, -"</code></pre>".length)).not.toMatch(/<|&(?!amp;|lt;)/);
  });

  it("codeBlock hands over valid UTF-8 without & or < as the very bytes, and decodes anything else", () => {
    const plain = Buffer.from('spec: { replicas: 2, note: "a > b" }\n');
    expect((codeBlock(plain)[1] as HtmlBytes).bytes).toBe(plain);
    // Invalid UTF-8 is decoded (U+FFFD) like the text path, never passed on as is.
    const invalid = Buffer.from([0x61, 0xff, 0x3c, 0x62]);
    expect(bytesOf(codeBlock(invalid))).toBe("<pre><code>a\uFFFD&lt;b</code></pre>");
  });
});
