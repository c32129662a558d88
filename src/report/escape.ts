// Owns escaping model-supplied text (scenario, thread, operation and field names, messages) for the markup
// the reports write: HTML/SVG/XML text and attributes, and GitHub workflow commands.

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value for HTML, SVG and XML: the five special characters become entities. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => HTML[c]);
}

/**
 * Text or attribute value for XML 1.0: escaped as for HTML, and the characters XML 1.0 cannot hold at all
 * (control characters other than tab, newline and carriage return, lone surrogates, U+FFFE/U+FFFF) replaced by U+FFFD.
 */
export function escapeXml(s: unknown): string {
  // eslint-disable-next-line no-control-regex
  return escapeHtml(String(s).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

/** The message of a GitHub workflow command (`::error ...::message`): %, CR and LF encoded. */
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property of a GitHub workflow command (file=, title=): as the message, plus ':' and ','. */
export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
