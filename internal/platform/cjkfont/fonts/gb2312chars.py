# Prints ASCII and GB2312 rows 1-3 (punctuation, digits, full-width forms) and 16-87 (level-1 and level-2 hanzi).
out = set(chr(c) for c in range(0x20, 0x7f))
for row in list(range(1, 4)) + list(range(16, 88)):
    for cell in range(1, 95):
        try:
            out.add(bytes([0xA0 + row, 0xA0 + cell]).decode('gb2312'))
        except UnicodeDecodeError:
            pass
print(''.join(sorted(out)), end='')
