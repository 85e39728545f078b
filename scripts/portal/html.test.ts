import { describe, expect, it } from "vitest";
import { escapeHtml, externalLink, html, join, webUrl } from "./html.js";

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
});
