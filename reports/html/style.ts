/** The report's stylesheet, inlined so index.html is one self-contained file. */
export const STYLE = `
:root { color-scheme: light; --ink: #1a202c; --muted: #4a5568; --line: #e2e8f0; --pass: #276749; --fail: #c53030; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 36px 0 8px; padding-top: 12px; border-top: 2px solid var(--line); }
h3 { font-size: 15px; margin: 0 0 6px; }
.subtitle { color: var(--muted); margin: 0 0 18px; }
table.summary { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
table.summary th, table.summary td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.summary th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.summary td:last-child code { white-space: nowrap; word-break: normal; }
table.summary td:first-child { white-space: nowrap; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f7fafc; border: 1px solid var(--line); border-radius: 3px; padding: 1px 4px; word-break: break-all; }
.badge { display: inline-block; font-weight: 600; font-size: 12px; padding: 1px 8px; border-radius: 10px; color: #fff; }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); }
.modes { display: grid; grid-template-columns: repeat(var(--columns, 1), minmax(0, 620px)); gap: 24px; align-items: start; }
.mode-head { font-weight: 600; color: var(--muted); text-transform: uppercase; font-size: 12px; letter-spacing: .05em; }
.run { border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
.run.failed { border-color: #feb2b2; box-shadow: inset 4px 0 0 var(--fail); }
.run.missing { color: var(--muted); font-style: italic; }
.facts { color: var(--muted); font-size: 12px; margin: 0 0 8px; }
ul.invariants { list-style: none; padding: 0; margin: 0 0 8px; }
ul.invariants li { margin: 2px 0; }
ul.invariants .ok { color: var(--pass); font-weight: 600; } ul.invariants .ko { color: var(--fail); font-weight: 600; }
figure.chart { margin: 14px 0 0; }
figure.chart figcaption { font-weight: 600; font-size: 13px; margin-bottom: 2px; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
svg text { font: 10px system-ui, sans-serif; fill: #4a5568; }
svg .fault { fill: #f6ad55; opacity: .28; } svg .fault.skipped { fill: #a0aec0; }
svg .fault-bar { fill: #dd6b20; opacity: .85; } svg .fault-bar.skipped { fill: #a0aec0; }
svg text.fault-label { fill: #1a202c; font-size: 10.5px; }
svg .series { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
svg .guide { stroke-dasharray: 5 4; stroke-width: 1.3; }
svg text.no-data { font-size: 12px; font-style: italic; fill: #718096; }
svg .marker { stroke: #2d3748; stroke-dasharray: 2 3; } svg text.marker-label { fill: #2d3748; }
svg .grid { stroke: #edf2f7; } svg .axis-line, svg .tick { stroke: #a0aec0; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; margin: 2px 0 0 46px; font-size: 12px; color: var(--muted); }
.swatch { display: inline-block; width: 14px; height: 3px; margin-right: 5px; vertical-align: middle; }
.swatch.dashed { height: 0; border-top: 2px dashed; }
.swatch.fault-swatch { height: 10px; background: #f6ad55; opacity: .5; }
.note { color: var(--muted); font-style: italic; }
section.verdict { display: flex; align-items: center; gap: 20px; padding: 14px 20px; border-radius: 8px; margin: 10px 0 6px; color: #fff; }
section.verdict.pass { background: var(--pass); } section.verdict.fail { background: var(--fail); }
.verdict-word { font-size: 34px; font-weight: 800; letter-spacing: .04em; }
.verdict-counts { font-size: 17px; font-weight: 600; margin: 0; }
.failing-invariants { margin: 4px 0 0; font-size: 14px; } .failing-invariants a { color: #fff; }
p.build { color: var(--muted); font-size: 12px; margin: 0 0 14px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
p.build strong { color: var(--ink); font-weight: 600; }
section.failures ol { padding-left: 22px; } section.failures li.failure { margin: 0 0 12px; }
section.failures li.failure > a { font-weight: 600; color: var(--fail); }
section.failures ul { margin: 4px 0; padding-left: 18px; }
pre.replay { margin: 4px 0 0; } pre.replay code { display: inline-block; font-size: 13px; padding: 4px 8px; }
.table-scroll { overflow-x: auto; }
table.summary tr.failed td { background: #fff5f5; }
table.summary th.inv { writing-mode: vertical-rl; transform: rotate(180deg); text-transform: none; letter-spacing: 0; font-size: 11px; padding: 6px 2px; }
table.summary td.inv { text-align: center; font-weight: 700; padding: 5px 2px; }
td.inv.ok { color: var(--pass); } td.inv.ko { color: #fff; background: var(--fail) !important; } td.inv.na { color: #cbd5e0; }
table.across-table, table.fidelity-table { border-collapse: collapse; margin: 6px 0 14px; }
table.across-table th, table.across-table td, table.fidelity-table th, table.fidelity-table td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: middle; }
table.across-table th, table.fidelity-table th { font-size: 12px; color: var(--muted); font-weight: 600; }
table.fidelity-table td.num, table.fidelity-table th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.fidelity-table tr.outside td { background: #fffaf0; }
.flag { display: inline-block; background: #dd6b20; color: #fff; font-size: 11px; font-weight: 700; padding: 0 6px; border-radius: 8px; }
.strip-note { font-size: 11px; color: var(--muted); }
svg.strip { display: block; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; vertical-align: middle; margin: 0 3px 0 8px; }
.dot.sim { background: #2b6cb0; } .dot.chaos { background: #dd6b20; }
details.seed-group { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 6px 10px; }
details.seed-group[open] { padding-bottom: 12px; }
details.seed-group > summary { cursor: pointer; padding: 2px 0; }
details.seed-group > summary .glance { color: var(--muted); font-size: 12px; margin-left: 8px; }
details.seed-group .modes { margin-top: 10px; }
.scenario-status { font-size: 13px; font-weight: 600; margin-left: 8px; } .scenario-status.ok { color: var(--pass); } .scenario-status.ko { color: var(--fail); }
svg .presence-row { fill: #f7fafc; } svg .ghost-deadline { stroke: #e53e3e; stroke-width: 1.5; }
svg text.doc-label { font-weight: 600; fill: #1a202c; }
svg text.guide-label.above { font-weight: 600; }
`;
