extension MonitorHTML {
    /// The page's style sheet: system fonts only, print-friendly, band and severity colours
    /// chosen to stay readable in black on their light backgrounds.
    static let style = """

    :root { --ink: #1f2328; --minor: #57606a; --line: #d0d7de; --stable: #eef8f1; --moderate: #fff4d6; --significant: #fde4e1;
      --red: #b42318; --green: #1a7f37; --amber: #9a6700; --blue: #0550ae; }
    * { box-sizing: border-box; }
    body { margin: 0; background: #f6f8fa; color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
    main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 40px; background: #ffffff; }
    h1 { font-size: 24px; margin: 0 0 10px; }
    h2 { font-size: 19px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
    h3 { font-size: 15px; margin: 18px 0 8px; }
    section { margin: 26px 0; }
    table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
    th, td { padding: 5px 8px; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
    th { font-weight: 600; background: #f6f8fa; }
    .facts th { background: none; color: var(--minor); font-weight: 500; padding-left: 0; width: 110px; }
    .facts.compact th { width: auto; white-space: nowrap; padding-right: 18px; }
    .facts td, .facts th { border: none; padding-top: 2px; padding-bottom: 2px; }
    .scroll { overflow-x: auto; }
    .drift { width: 100%; font-size: 13px; }
    .drift th, .drift td { padding: 5px 6px; }
    abbr { text-decoration: none; cursor: help; }
    .drift th { font-size: 12px; vertical-align: bottom; }
    .drift td:nth-child(n+4) { white-space: nowrap; }
    .drift a { color: inherit; }
    tr.band-stable td { background: var(--stable); }
    tr.band-moderate td { background: var(--moderate); }
    tr.band-significant td { background: var(--significant); }
    tr.drifted td:first-child { box-shadow: inset 4px 0 0 var(--red); font-weight: 600; }
    tr.not-compared td { color: var(--minor); background: #f6f8fa; }
    td.note { font-style: italic; }
    .band { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; border: 1px solid; white-space: nowrap; }
    .band.stable { color: var(--green); border-color: #8fd0a2; background: var(--stable); }
    .band.moderate { color: var(--amber); border-color: #e5c36b; background: var(--moderate); }
    .band.significant { color: var(--red); border-color: #f1a39a; background: var(--significant); }
    .drift-mark { color: var(--red); font-weight: 700; white-space: nowrap; }
    .approx { color: var(--blue); font-weight: 700; cursor: help; }
    .minor { color: var(--minor); font-size: 12px; }
    .lead, .legend { color: var(--minor); margin: 4px 0 10px; }
    .legend { font-size: 12px; }
    .verdict { padding: 14px 18px; border-radius: 8px; border: 1px solid; }
    .verdict h2 { border: none; margin: 0 0 6px; padding: 0; font-size: 22px; }
    .verdict.alert { background: #fde4e1; border-color: #f1a39a; }
    .verdict.alert h2 { color: var(--red); }
    .verdict.ok { background: #e6f4ea; border-color: #8fd0a2; }
    .verdict.ok h2 { color: var(--green); }
    .verdict ul { margin: 4px 0 6px; padding-left: 20px; }
    .verdict p { margin: 4px 0 0; }
    .prominent { border: 2px solid #0072b2; border-radius: 8px; padding: 12px 16px; background: #f5fafd; }
    .panel { display: flex; flex-wrap: wrap; gap: 18px 28px; align-items: flex-start; margin: 10px 0; }
    .chart svg { display: block; max-width: 100%; height: auto; }
    .charts { display: flex; flex-wrap: wrap; gap: 12px 24px; }
    .summary { font-size: 13px; min-width: 260px; }
    .summary td { text-align: right; }
    details { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 0 12px; }
    details.drifted { border-left: 4px solid var(--red); }
    details[open] { padding-bottom: 8px; }
    summary { cursor: pointer; padding: 8px 0; }
    summary .name { font-weight: 600; }
    p.note { font-style: italic; color: var(--minor); }
    .stats { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 8px; }
    .stat { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 140px; }
    .stat .label { display: block; color: var(--minor); font-size: 12px; }
    .stat .value { display: block; font-size: 20px; font-weight: 600; }
    .counts .severity { margin-right: 8px; }
    .severity { display: inline-block; padding: 1px 8px; border-radius: 9px; font-size: 12px; font-weight: 600; }
    .severity.error { background: #fde4e1; color: var(--red); }
    .severity.warning { background: #fff4d6; color: var(--amber); }
    .severity.info { background: #ddf4ff; color: var(--blue); }
    tr.severity-error td:first-child { box-shadow: inset 4px 0 0 var(--red); }
    tr.severity-warning td:first-child { box-shadow: inset 4px 0 0 #d4a72c; }
    tr.severity-info td:first-child { box-shadow: inset 4px 0 0 #54aeff; }
    .findings, .windows { font-size: 13px; }
    .metrics td:nth-child(n+2), .fairness td:nth-child(n+2), .disparity td:nth-child(n+2), .windows td:nth-child(n+3) { text-align: right; }
    tr.overall td { font-weight: 600; border-top: 2px solid var(--line); }
    .warn { background: #fff4d6; color: var(--amber); font-weight: 600; padding: 0 4px; border-radius: 4px; }
    footer { margin-top: 30px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--minor); font-size: 12px; }
    footer p { margin: 2px 0; }
    @media print { body { background: #ffffff; } main { padding: 0; } details { break-inside: avoid; } }

    """
}
