/** What the block or warning page explains. */
export interface BlockPageInfo {
  /** What was asked for: the full URL, or only the host when that is all the filter saw. */
  target: string;
  action: 'block' | 'warn';
  /** One sentence: why (e.g. "Known phishing site", "Blocked by your organisation"). */
  reason: string;
  /** The rule that matched, for the report and the helpdesk. */
  rule: string;
  /** Warn only: where "Continue anyway" goes. */
  continueUrl?: string;
  /** Where the false-positive form posts. */
  reportUrl: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A self-contained page (no external resources: the network may be what is blocked). */
export function renderBlockPage(info: BlockPageInfo): string {
  const e = escapeHtml;
  const title = info.action === 'warn' ? 'This site may be unsafe' : 'Site blocked';
  const proceed = info.action === 'warn' && info.continueUrl ? `<p><a class="continue" id="continue" href="${e(info.continueUrl)}">Continue anyway</a></p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bulwark: ${e(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.6rem}.box{border-left:4px solid ${info.action === 'warn' ? '#bf8700' : '#cf222e'};padding:.5rem 1rem;background:#f6f8fa}
code{word-break:break-all}button,.continue{font:inherit;padding:.4rem .8rem}
</style></head><body>
<h1 id="title">${e(title)}</h1>
<div class="box"><p id="reason">${e(info.reason)}</p>
<p>Address: <code id="target">${e(info.target)}</code></p>
<p>Rule: <code id="rule">${e(info.rule)}</code></p></div>
<p>Bulwark web protection stopped this ${info.action === 'warn' ? 'page until you confirm' : 'page'} to protect your device and your organisation's data.</p>
${proceed}
<form method="post" action="${e(info.reportUrl)}">
<input type="hidden" name="target" value="${e(info.target)}"><input type="hidden" name="rule" value="${e(info.rule)}">
<button type="submit" id="report">Report a false positive</button></form>
</body></html>`;
}
