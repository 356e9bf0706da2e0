/** The MiniWob++ look: a 160x210 px task area, the yellow query box, small sans-serif text. */
export const TASK_PAGE_CSS = `
body { margin: 0; padding: 0; font-family: Arial, Helvetica, sans-serif; font-size: 12px; background: #fff; }
#wrap { width: 160px; height: 210px; overflow: hidden; position: relative; border-right: 1px solid #ccc; border-bottom: 1px solid #ccc; }
#query { background: #ff0; padding: 3px; font-size: 11px; line-height: 13px; min-height: 40px; box-sizing: border-box; }
#area { padding: 3px; position: relative; height: 164px; box-sizing: border-box; overflow: auto; }
#area input[type=text], #area input[type=password], #area input:not([type]), #area textarea { width: 120px; font-size: 11px; }
#area button { font-size: 11px; margin: 2px; }
`;
