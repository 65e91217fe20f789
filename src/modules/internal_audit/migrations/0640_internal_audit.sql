-- 0640: internal audit (内部監査) — the check of PDCA: a yearly programme, audits with their
-- scope (departments, areas, requirement sets), dates, lead auditor and auditors (never of
-- their own department), a checklist built from requirement sets with a result, the evidence
-- seen, notes and attachments per item, and findings that become corrective actions (actions
-- with source_type 'finding', linked both ways) answered by the audited department's manager.

-- Requirement sets the checklist is built from: JIS Q 15001:2023 and ISO/IEC 27001:2022
-- clauses, and the organisation's own rules, by number with short titles in our own words
-- (the standards' text is copyrighted). Annex A controls come from the SoA (soa_controls).
CREATE TABLE audit_requirements (
  id @ID@,
  req_set TEXT NOT NULL,
  code TEXT NOT NULL,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX audit_requirements_code ON audit_requirements (req_set, code);

-- The yearly audit programme (年間内部監査計画).
CREATE TABLE internal_audit_programmes (
  id @ID@,
  year INTEGER NOT NULL UNIQUE,
  title TEXT NOT NULL,
  objectives TEXT NOT NULL DEFAULT '',
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);

-- One audit: planned → in_progress → reported → closed (or cancelled), on the workflow engine.
-- req_sets: the requirement sets chosen (JSON array of names).
CREATE TABLE internal_audits (
  id @ID@,
  programme_id BIGINT NOT NULL REFERENCES internal_audit_programmes (id),
  title TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  req_sets TEXT NOT NULL DEFAULT '[]',
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  lead_id BIGINT NOT NULL REFERENCES users (id),
  status TEXT NOT NULL DEFAULT 'planned',
  summary TEXT NOT NULL DEFAULT '',
  reported_at BIGINT,
  reported_by BIGINT REFERENCES users (id),
  closed_at BIGINT,
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX internal_audits_programme ON internal_audits (programme_id, starts_on);
CREATE INDEX internal_audits_lead ON internal_audits (lead_id, status);

-- The departments an audit covers, and its auditors besides the lead.
CREATE TABLE internal_audit_departments (
  audit_id BIGINT NOT NULL REFERENCES internal_audits (id),
  department_id BIGINT NOT NULL REFERENCES departments (id),
  PRIMARY KEY (audit_id, department_id)
);
CREATE INDEX internal_audit_departments_dept ON internal_audit_departments (department_id);
CREATE TABLE internal_audit_auditors (
  audit_id BIGINT NOT NULL REFERENCES internal_audits (id),
  user_id BIGINT NOT NULL REFERENCES users (id),
  PRIMARY KEY (audit_id, user_id)
);
CREATE INDEX internal_audit_auditors_user ON internal_audit_auditors (user_id);

-- A checklist item: a requirement as it was when the checklist was built, and what the
-- auditor found. result: conforms, minor, major, observation, not_audited (NULL: not yet).
CREATE TABLE internal_audit_items (
  id @ID@,
  audit_id BIGINT NOT NULL REFERENCES internal_audits (id),
  position INTEGER NOT NULL,
  req_set TEXT NOT NULL,
  code TEXT NOT NULL,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL DEFAULT '',
  department_id BIGINT REFERENCES departments (id),
  result TEXT,
  evidence TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  checked_by BIGINT REFERENCES users (id),
  checked_at BIGINT,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX internal_audit_items_audit ON internal_audit_items (audit_id, position);

-- Files seen as evidence: stored by content hash in the data folder (files/), typed by
-- libmagic from their bytes; the name is the uploader's, for downloads only.
CREATE TABLE internal_audit_attachments (
  id @ID@,
  audit_id BIGINT NOT NULL REFERENCES internal_audits (id),
  item_id BIGINT NOT NULL REFERENCES internal_audit_items (id),
  file_hash TEXT NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  uploaded_by BIGINT REFERENCES users (id),
  uploaded_at BIGINT NOT NULL
);
CREATE INDEX internal_audit_attachments_item ON internal_audit_attachments (item_id);

-- A finding (指摘事項): major / minor nonconformity or observation, about one department.
-- A nonconformity opens its corrective action at once (action_id; the action names this
-- finding as its source); the department's manager answers with the cause and the plan.
-- status: open → responded.
CREATE TABLE internal_audit_findings (
  id @ID@,
  audit_id BIGINT NOT NULL REFERENCES internal_audits (id),
  item_id BIGINT REFERENCES internal_audit_items (id),
  department_id BIGINT NOT NULL REFERENCES departments (id),
  grade TEXT NOT NULL,
  requirement TEXT NOT NULL DEFAULT '',
  statement TEXT NOT NULL,
  evidence TEXT NOT NULL DEFAULT '',
  action_id BIGINT REFERENCES actions (id),
  status TEXT NOT NULL DEFAULT 'open',
  response_cause TEXT,
  response_plan TEXT,
  responded_by BIGINT REFERENCES users (id),
  responded_at BIGINT,
  created_by BIGINT REFERENCES users (id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX internal_audit_findings_audit ON internal_audit_findings (audit_id, id);
CREATE INDEX internal_audit_findings_dept ON internal_audit_findings (department_id, status);

-- ISO/IEC 27001:2022, clauses 4–10.
INSERT INTO audit_requirements (req_set, code, title_ja, title_en, position, created_at, updated_at) VALUES
  ('iso27001', '4.1', '組織とその状況を把握している', 'The organisation and its context are understood', 1, 0, 0),
  ('iso27001', '4.2', '利害関係者とその要求を把握している', 'Interested parties and their needs are known', 2, 0, 0),
  ('iso27001', '4.3', 'ISMSの適用範囲を決めている', 'The scope of the ISMS is set', 3, 0, 0),
  ('iso27001', '4.4', 'ISMSを確立し、維持し、改善している', 'The ISMS is set up, kept and improved', 4, 0, 0),
  ('iso27001', '5.1', 'トップマネジメントが関与し、主導している', 'Top management leads and takes part', 5, 0, 0),
  ('iso27001', '5.2', '情報セキュリティ方針を定め、周知している', 'A security policy is set and made known', 6, 0, 0),
  ('iso27001', '5.3', '役割・責任・権限を割り当てている', 'Roles, duties and authority are assigned', 7, 0, 0),
  ('iso27001', '6.1.1', 'リスクと機会への取組を計画している', 'Actions on risks and opportunities are planned', 8, 0, 0),
  ('iso27001', '6.1.2', 'リスクアセスメントの基準と手順がある', 'Risk assessment has criteria and a method', 9, 0, 0),
  ('iso27001', '6.1.3', 'リスク対応を決め、適用宣言書を作っている', 'Risk treatment is chosen and the SoA made', 10, 0, 0),
  ('iso27001', '6.2', '情報セキュリティ目的と達成の計画がある', 'Security objectives and plans to reach them', 11, 0, 0),
  ('iso27001', '6.3', '変更を計画的に行っている', 'Changes are planned', 12, 0, 0),
  ('iso27001', '7.1', '必要な資源を確保している', 'The resources needed are provided', 13, 0, 0),
  ('iso27001', '7.2', '必要な力量を明らかにし、確保している', 'Competence is defined and ensured', 14, 0, 0),
  ('iso27001', '7.3', '従業者が方針と自分の役割を認識している', 'People know the policy and their part', 15, 0, 0),
  ('iso27001', '7.4', '内外のコミュニケーションを決めている', 'Internal and external communication is set', 16, 0, 0),
  ('iso27001', '7.5', '文書と記録を作成し、管理している', 'Documents and records are made and controlled', 17, 0, 0),
  ('iso27001', '8.1', '運用を計画し、管理している', 'Operations are planned and controlled', 18, 0, 0),
  ('iso27001', '8.2', 'リスクアセスメントを定期的に実施している', 'Risk assessments are carried out regularly', 19, 0, 0),
  ('iso27001', '8.3', 'リスク対応を実施している', 'Risk treatment is carried out', 20, 0, 0),
  ('iso27001', '9.1', '監視・測定・分析・評価を行っている', 'Monitoring, measurement and evaluation', 21, 0, 0),
  ('iso27001', '9.2', '内部監査を計画どおり実施している', 'Internal audits run as planned', 22, 0, 0),
  ('iso27001', '9.3', 'マネジメントレビューを実施している', 'Management reviews are held', 23, 0, 0),
  ('iso27001', '10.1', '継続的に改善している', 'Continual improvement', 24, 0, 0),
  ('iso27001', '10.2', '不適合に対処し、是正処置をとっている', 'Nonconformities are handled and corrected', 25, 0, 0);

-- JIS Q 15001:2023, clauses 4–10 of the body (the personal-information rules of its annex A
-- are audited through the organisation's own rules below, which the organisation edits).
INSERT INTO audit_requirements (req_set, code, title_ja, title_en, position, created_at, updated_at) VALUES
  ('jisq15001', '4.1', '組織の状況と、守るべき法令・指針その他の規範を把握している', 'Context, and the laws and guidelines to follow, are known', 1, 0, 0),
  ('jisq15001', '4.2', '利害関係者とその要求を把握している', 'Interested parties and their needs are known', 2, 0, 0),
  ('jisq15001', '4.3', 'PMSの適用範囲を決めている', 'The scope of the PMS is set', 3, 0, 0),
  ('jisq15001', '4.4', 'PMSを確立し、維持し、改善している', 'The PMS is set up, kept and improved', 4, 0, 0),
  ('jisq15001', '5.1', 'トップマネジメントが関与し、主導している', 'Top management leads and takes part', 5, 0, 0),
  ('jisq15001', '5.2', '個人情報保護方針を定め、内外に示している', 'The privacy policy is set and published', 6, 0, 0),
  ('jisq15001', '5.3', '個人情報保護管理者・監査責任者などの役割を割り当てている', 'Privacy officer, audit lead and other roles are assigned', 7, 0, 0),
  ('jisq15001', '6.1', '取り扱う個人情報を特定し、台帳にしている', 'Personal information handled is identified in a register', 8, 0, 0),
  ('jisq15001', '6.2', '個人情報のリスクを分析し、対策を決めている', 'Risks to personal information are analysed and treated', 9, 0, 0),
  ('jisq15001', '7.1', '必要な資源を確保している', 'The resources needed are provided', 10, 0, 0),
  ('jisq15001', '7.2', '必要な力量を明らかにし、確保している', 'Competence is defined and ensured', 11, 0, 0),
  ('jisq15001', '7.3', '従業者を教育し、認識させている', 'People are trained and aware', 12, 0, 0),
  ('jisq15001', '7.4', '内外のコミュニケーションを決めている', 'Internal and external communication is set', 13, 0, 0),
  ('jisq15001', '7.5', '文書と記録を作成し、管理している', 'Documents and records are made and controlled', 14, 0, 0),
  ('jisq15001', '8.1', '運用を計画し、管理している', 'Operations are planned and controlled', 15, 0, 0),
  ('jisq15001', '9.1', '運用を確認し、監視・測定している', 'Operations are checked and monitored', 16, 0, 0),
  ('jisq15001', '9.2', '内部監査を計画どおり実施している', 'Internal audits run as planned', 17, 0, 0),
  ('jisq15001', '9.3', 'マネジメントレビューを実施している', 'Management reviews are held', 18, 0, 0),
  ('jisq15001', '10', '不適合に対処し、是正処置と改善を続けている', 'Nonconformities are corrected and improvement continues', 19, 0, 0);

-- The organisation's own rules (社内規程): a starter set in our words from the handling rules
-- of the Privacy Mark and the seed texts; the organisation renames, adds and retires them.
INSERT INTO audit_requirements (req_set, code, title_ja, title_en, position, created_at, updated_at) VALUES
  ('own', 'R-01', '個人情報を取得するとき、利用目的を本人に明示または通知している', 'Purposes are told when personal information is taken', 1, 0, 0),
  ('own', 'R-02', '本人から書面で直接取得するときは、同意を得ている', 'Consent is obtained when taking data directly in writing', 2, 0, 0),
  ('own', 'R-03', '個人情報を利用目的の範囲内でだけ利用している', 'Personal information is used only for its purposes', 3, 0, 0),
  ('own', 'R-04', '個人情報管理台帳が実態と合い、年1回以上見直されている', 'The personal information register is current and reviewed yearly', 4, 0, 0),
  ('own', 'R-05', '情報資産管理台帳が実態と合い、年1回以上見直されている', 'The asset register is current and reviewed yearly', 5, 0, 0),
  ('own', 'R-06', '委託先を基準で選び、契約を結び、監督している', 'Contractors are chosen, contracted and supervised', 6, 0, 0),
  ('own', 'R-07', '第三者提供は本人の同意に基づき、記録を残している', 'Provision to third parties has consent and is recorded', 7, 0, 0),
  ('own', 'R-08', '開示等の請求と苦情に手順どおり対応している', 'Requests from people and complaints are handled as set out', 8, 0, 0),
  ('own', 'R-09', '持ち出しは申請と承認を経て、返却を確認している', 'Take-outs are requested, approved and checked back', 9, 0, 0),
  ('own', 'R-10', 'クリアデスク・クリアスクリーンを守っている', 'Clear desk and clear screen are kept', 10, 0, 0),
  ('own', 'R-11', 'IDとパスワードを共有せず、画面ロックを設定している', 'IDs and passwords are not shared; screens lock', 11, 0, 0),
  ('own', 'R-12', 'アクセス権を必要最小限にし、定期的に棚卸している', 'Access is kept to what is needed and reviewed', 12, 0, 0),
  ('own', 'R-13', 'ウイルス対策とソフトウェアの更新を行っている', 'Anti-virus and software updates are in place', 13, 0, 0),
  ('own', 'R-14', '事故とヒヤリハットをすぐに報告している', 'Incidents and near-misses are reported at once', 14, 0, 0),
  ('own', 'R-15', '全従業者が年1回以上教育を受け、理解度を確認している', 'Everyone is trained yearly and understanding is checked', 15, 0, 0),
  ('own', 'R-16', '入社時・退職時に誓約書を取得している', 'Pledges are signed on joining and on leaving', 16, 0, 0),
  ('own', 'R-17', '廃棄・消去を定めた方法で行い、記録している', 'Disposal and erasure follow the rules and are recorded', 17, 0, 0),
  ('own', 'R-18', '来訪者と入退室を記録している', 'Visitors and office opening and closing are logged', 18, 0, 0);

-- internal_audit.read: programmes, audits, reports (officers, auditors, top management);
-- internal_audit.manage: the programme, planning audits and their teams, closing (officers);
-- internal_audit.perform: checklists, results, evidence and findings of the audits one is on
-- (auditors); internal_audit.respond: a department's manager answers its findings.
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'internal_audit.read' FROM roles WHERE name IN ('admin', 'officer', 'auditor', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'internal_audit.manage' FROM roles WHERE name IN ('admin', 'officer');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'internal_audit.perform' FROM roles WHERE name IN ('admin', 'auditor');
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'internal_audit.respond' FROM roles WHERE name IN ('admin', 'officer', 'manager', 'executive');
