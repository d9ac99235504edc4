/**
 * A self-contained report.html from a report's markdown (rendered by `marked`, GitHub-flavoured:
 * tables, lists, code spans) with its SVG plots inlined after the markdown.
 */
import { marked } from 'marked';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;line-height:1.45;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}code{background:#f4f4f4;padding:1px 4px;border-radius:3px}
figure{margin:1.5em 0}`;

export function toHtml(title: string, markdown: string, svgs: readonly (readonly [file: string, svg: string])[]): string {
  const body = marked.parse(markdown, { gfm: true, async: false });
  const figures = svgs.map(([file, svg]) => `<figure>${svg}<figcaption>${file}</figcaption></figure>`).join('\n');
  const safeTitle = title.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${safeTitle}</title><style>${STYLE}</style></head>\n<body>\n${body}\n${figures}\n</body></html>\n`;
}
