-- +goose Up
-- 政务代办 (proxy handling of government services). proxy_services is the
-- catalogue of services a community handles on a resident's behalf: the
-- city-wide catalogue (division_code '', seeded here) and services a county
-- or the city adds (division_code its code); materials one per line; the
-- time limit in working days. proxy_offerings says which services each
-- community offers (a row per community and service). proxy_cases are the
-- cases (代办件): the resident's name, phone and ID number sealed (blind
-- indexes for search, a masked name for lists), the materials checked, the
-- deadline in working days, the result and the resident's rating.
CREATE TABLE proxy_services (
    id            INTEGER PRIMARY KEY,
    division_code TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL,
    materials     TEXT NOT NULL DEFAULT '',
    department    TEXT NOT NULL,
    days          INTEGER NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL DEFAULT '',
    UNIQUE (division_code, name)
);

CREATE TABLE proxy_offerings (
    community_code TEXT NOT NULL REFERENCES divisions(code),
    service_id     BIGINT NOT NULL REFERENCES proxy_services(id),
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_code, service_id)
);

CREATE TABLE proxy_cases (
    id               INTEGER PRIMARY KEY,
    community_code   TEXT NOT NULL REFERENCES divisions(code),
    service_id       BIGINT NOT NULL REFERENCES proxy_services(id),
    status           TEXT NOT NULL,
    channel          TEXT NOT NULL,
    request_number   TEXT NOT NULL DEFAULT '',
    resident_user_id BIGINT,
    name_masked      TEXT NOT NULL,
    name_sealed      TEXT NOT NULL,
    phone_sealed     TEXT NOT NULL,
    phone_index      TEXT NOT NULL,
    id_sealed        TEXT NOT NULL,
    id_index         TEXT NOT NULL,
    checked          TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    due_at           TIMESTAMP NOT NULL,
    submitted_at     TIMESTAMP,
    result_at        TIMESTAMP,
    closed_at        TIMESTAMP,
    reason           TEXT NOT NULL DEFAULT '',
    rating           INTEGER NOT NULL DEFAULT 0,
    rated_at         TIMESTAMP,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    created_by       TEXT NOT NULL DEFAULT '',
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX proxy_cases_community ON proxy_cases(community_code, created_at);
CREATE INDEX proxy_cases_open ON proxy_cases(status, due_at);
CREATE INDEX proxy_cases_resident ON proxy_cases(resident_user_id);
CREATE INDEX proxy_cases_phone ON proxy_cases(phone_index);
CREATE INDEX proxy_cases_id ON proxy_cases(id_index);

INSERT INTO proxy_services (division_code, name, materials, department, days, created_at, created_by) VALUES
('', '城乡居民养老保险参保登记', '居民身份证
户口簿
一寸照片一张', '县（市、区）社会保险事业服务中心', 5, CURRENT_TIMESTAMP, 'system'),
('', '城乡居民医疗保险参保缴费', '居民身份证
户口簿', '县（市、区）医疗保障局', 3, CURRENT_TIMESTAMP, 'system'),
('', '户口迁移及户籍证明', '居民身份证
户口簿
迁入地证明材料', '公安派出所户籍室', 5, CURRENT_TIMESTAMP, 'system'),
('', '残疾人证申领', '居民身份证
户口簿
二寸白底照片三张
县级以上医院诊断证明', '县（市、区）残疾人联合会', 20, CURRENT_TIMESTAMP, 'system'),
('', '高龄津贴申领', '居民身份证
户口簿
本人社保卡或银行卡', '乡镇（街道）民政办', 10, CURRENT_TIMESTAMP, 'system'),
('', '最低生活保障申请', '居民身份证
户口簿
家庭收入及财产状况说明
困难情况证明材料', '乡镇（街道）民政办', 30, CURRENT_TIMESTAMP, 'system'),
('', '临时救助申请', '居民身份证
户口簿
困难情况说明', '乡镇（街道）民政办', 10, CURRENT_TIMESTAMP, 'system'),
('', '就业失业登记', '居民身份证
户口簿', '县（市、区）公共就业服务中心', 3, CURRENT_TIMESTAMP, 'system'),
('', '社会保障卡申领', '居民身份证
一寸白底照片一张', '县（市、区）社会保险事业服务中心', 10, CURRENT_TIMESTAMP, 'system'),
('', '老年人优待证办理', '居民身份证
一寸照片一张', '县（市、区）民政局', 5, CURRENT_TIMESTAMP, 'system');

-- +goose Down
DROP TABLE proxy_cases;
DROP TABLE proxy_offerings;
DROP TABLE proxy_services;
