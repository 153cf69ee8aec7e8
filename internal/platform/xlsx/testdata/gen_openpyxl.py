import datetime, openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "说明"
ws["A1"] = "这一页是说明，不是数据"
ws2 = wb.create_sheet("人员信息")
ws2.append(["所在村(社区)代码", "姓名", "身份证号码", "联系电话", "地址", "开始日期", "残疾等级", "备注"])
ws2.append(["131102001045", "张建国", "110101194003074475", 13800138000, "幸福路 8 号 3 单元 201", datetime.date(2024, 1, 15), 2, "a & b < c > d"])
ws2.append(["131102001046", "李秀英", "11010119400307447X", "13900139000", " 前后有空格 ", datetime.datetime(2023, 5, 1, 8, 30), 1.5, True])
ws2.append([None, None, None, None, None, None, None, None])
ws2.append(["131102001047", "王五", None, None, "第二行\n换行", None, "=1+2", "0012"])
ws2["J7"] = "稀疏的单元格"
ws2["A9"] = "全角（括号）　空格"
wb.save("./openpyxl.xlsx")
