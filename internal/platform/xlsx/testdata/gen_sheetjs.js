const XLSX = require('xlsx');
for (const sst of [false, true]) {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([["这一页是说明"]]), "说明");
  const ws = XLSX.utils.aoa_to_sheet([
    ["所在村(社区)代码", "姓名", "身份证号码", "联系电话", "地址", "开始日期", "残疾等级", "备注"],
    ["131102001045", "张建国", "110101194003074475", 13800138000, "幸福路 8 号 3 单元 201", new Date(Date.UTC(2024, 0, 15)), 2, "a & b < c > d"],
    ["131102001046", "李秀英", "11010119400307447X", "13900139000", " 前后有空格 ", new Date(Date.UTC(2023, 4, 1, 8, 30)), 1.5, true],
    [],
    ["131102001047", "王五", null, null, "第二行\n换行", null, {f: "1+2", v: 3, t: "n"}, "0012"],
  ], {cellDates: false});
  XLSX.utils.sheet_add_aoa(ws, [["稀疏的单元格"]], {origin: "J7"});
  XLSX.utils.sheet_add_aoa(ws, [["全角（括号）　空格"]], {origin: "A9"});
  XLSX.utils.book_append_sheet(wb, ws, "人员信息");
  XLSX.writeFile(wb, "./sheetjs" + (sst ? "-sst" : "") + ".xlsx", {bookSST: sst});
}
