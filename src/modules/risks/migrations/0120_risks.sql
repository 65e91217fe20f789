-- 0120: risk assessment (threat x vulnerability -> risk), its scale setting, and the
-- Statement of Applicability (適用宣言書) over the 93 controls of ISO/IEC 27001:2022 Annex A.
-- Control titles are mamori's own short wording (ja and en), not the standard's text.

CREATE TABLE risk_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO risk_settings (key, value) VALUES ('scale', '3'), ('version', '1');

CREATE TABLE soa_controls (
  id @ID@,
  number TEXT NOT NULL UNIQUE,
  theme TEXT NOT NULL,
  sort INTEGER NOT NULL,
  title_ja TEXT NOT NULL,
  title_en TEXT NOT NULL,
  applicable INTEGER NOT NULL DEFAULT 1,
  justification TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'not_started',
  evidence TEXT NOT NULL DEFAULT '',
  updated_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);

INSERT INTO soa_controls (number, theme, sort, title_ja, title_en, created_at, updated_at) VALUES
  ('5.1', 'organizational', 1, '情報セキュリティ方針群の策定と見直し', 'Security policy set and its review', 0, 0),
  ('5.2', 'organizational', 2, 'セキュリティ上の役割と責任の割り当て', 'Who does what in security', 0, 0),
  ('5.3', 'organizational', 3, '相反する職務の分離', 'Separating conflicting duties', 0, 0),
  ('5.4', 'organizational', 4, '管理者による規程順守の徹底', 'Managers make staff follow the rules', 0, 0),
  ('5.5', 'organizational', 5, '関係当局との連絡体制', 'Keeping in touch with authorities', 0, 0),
  ('5.6', 'organizational', 6, '専門団体・フォーラムとの連携', 'Links with expert groups and forums', 0, 0),
  ('5.7', 'organizational', 7, '脅威情報の収集と分析', 'Collecting and analysing threat information', 0, 0),
  ('5.8', 'organizational', 8, 'プロジェクト運営へのセキュリティの組込み', 'Security built into projects', 0, 0),
  ('5.9', 'organizational', 9, '情報及び関連資産の台帳', 'Register of information and related assets', 0, 0),
  ('5.10', 'organizational', 10, '資産の正しい使い方のルール', 'Rules for proper use of assets', 0, 0),
  ('5.11', 'organizational', 11, '退職・契約終了時の資産回収', 'Getting assets back at exit', 0, 0),
  ('5.12', 'organizational', 12, '保護の必要性に応じた情報の分類', 'Classifying information by need for protection', 0, 0),
  ('5.13', 'organizational', 13, '分類に応じた表示', 'Marking information with its class', 0, 0),
  ('5.14', 'organizational', 14, '情報の送付・受け渡しのルール', 'Rules for sending and passing on information', 0, 0),
  ('5.15', 'organizational', 15, '業務上の必要に基づくアクセスのルール', 'Access rules based on business need', 0, 0),
  ('5.16', 'organizational', 16, '利用者IDのライフサイクル管理', 'Life cycle of user identities', 0, 0),
  ('5.17', 'organizational', 17, 'パスワード等の認証情報の扱い', 'Handling passwords and other sign-in secrets', 0, 0),
  ('5.18', 'organizational', 18, 'アクセス権の付与・見直し・削除', 'Granting, reviewing and removing access rights', 0, 0),
  ('5.19', 'organizational', 19, '供給者との関係におけるセキュリティ', 'Security with suppliers', 0, 0),
  ('5.20', 'organizational', 20, '供給者との契約へのセキュリティ条項の明記', 'Security terms in supplier contracts', 0, 0),
  ('5.21', 'organizational', 21, 'ICTサプライチェーンのセキュリティ', 'Security of the ICT supply chain', 0, 0),
  ('5.22', 'organizational', 22, '供給者サービスの監視・レビューと変更管理', 'Watching and reviewing supplier services', 0, 0),
  ('5.23', 'organizational', 23, 'クラウドサービス利用時のセキュリティ', 'Using cloud services safely', 0, 0),
  ('5.24', 'organizational', 24, 'インシデント対応の計画と準備', 'Preparing to handle incidents', 0, 0),
  ('5.25', 'organizational', 25, '事象の評価とインシデントかどうかの判断', 'Judging whether an event is an incident', 0, 0),
  ('5.26', 'organizational', 26, 'インシデントへの対応', 'Responding to incidents', 0, 0),
  ('5.27', 'organizational', 27, 'インシデントからの学び', 'Lessons from incidents', 0, 0),
  ('5.28', 'organizational', 28, '証拠の収集と保全', 'Preserving evidence', 0, 0),
  ('5.29', 'organizational', 29, '事業中断時のセキュリティ維持', 'Keeping security during disruption', 0, 0),
  ('5.30', 'organizational', 30, '事業継続のためのICTの備え', 'ICT ready for business continuity', 0, 0),
  ('5.31', 'organizational', 31, '法令・規制・契約上の要求事項の特定', 'Knowing legal and contractual duties', 0, 0),
  ('5.32', 'organizational', 32, '知的財産権の尊重', 'Respecting intellectual property', 0, 0),
  ('5.33', 'organizational', 33, '記録の保護', 'Keeping records safe', 0, 0),
  ('5.34', 'organizational', 34, '個人情報・プライバシーの保護', 'Protecting personal information and privacy', 0, 0),
  ('5.35', 'organizational', 35, 'セキュリティの独立したレビュー', 'Independent look at security', 0, 0),
  ('5.36', 'organizational', 36, '方針・規程の順守状況の確認', 'Checking that the rules are followed', 0, 0),
  ('5.37', 'organizational', 37, '操作手順書の整備', 'Written operating procedures', 0, 0),
  ('6.1', 'people', 38, '採用前の経歴確認', 'Background checks before hiring', 0, 0),
  ('6.2', 'people', 39, '雇用条件へのセキュリティ責任の明記', 'Security duties in employment terms', 0, 0),
  ('6.3', 'people', 40, '意識向上・教育・訓練', 'Awareness raising and training', 0, 0),
  ('6.4', 'people', 41, '違反時の懲戒手続', 'Disciplinary process for violations', 0, 0),
  ('6.5', 'people', 42, '退職・異動後も続く責任', 'Duties that continue after leaving', 0, 0),
  ('6.6', 'people', 43, '秘密保持契約・誓約書', 'Confidentiality pledges and NDAs', 0, 0),
  ('6.7', 'people', 44, 'リモートワーク・テレワーク', 'Working away from the office', 0, 0),
  ('6.8', 'people', 45, 'セキュリティ事象の報告', 'Reporting security events', 0, 0),
  ('7.1', 'physical', 46, '物理的なセキュリティ境界', 'Boundaries of secure areas', 0, 0),
  ('7.2', 'physical', 47, '入退室の管理', 'Controlling who enters', 0, 0),
  ('7.3', 'physical', 48, 'オフィス・部屋・施設の保護', 'Securing offices and rooms', 0, 0),
  ('7.4', 'physical', 49, '物理的な監視', 'Watching the premises', 0, 0),
  ('7.5', 'physical', 50, '災害・環境上の脅威からの保護', 'Protection from disasters and the environment', 0, 0),
  ('7.6', 'physical', 51, 'セキュリティ領域内での作業ルール', 'Rules inside secure areas', 0, 0),
  ('7.7', 'physical', 52, 'クリアデスク・クリアスクリーン', 'Clear desk, clear screen', 0, 0),
  ('7.8', 'physical', 53, '機器の設置と保護', 'Placing and protecting equipment', 0, 0),
  ('7.9', 'physical', 54, '構外にある資産のセキュリティ', 'Assets taken outside', 0, 0),
  ('7.10', 'physical', 55, '記憶媒体の管理', 'Removable and storage media', 0, 0),
  ('7.11', 'physical', 56, '電源等のサポートユーティリティ', 'Power and other utilities', 0, 0),
  ('7.12', 'physical', 57, 'ケーブル配線の保護', 'Protecting cables', 0, 0),
  ('7.13', 'physical', 58, '機器の保守', 'Looking after equipment', 0, 0),
  ('7.14', 'physical', 59, '機器の処分・再利用時のデータ消去', 'Wiping equipment before disposal or reuse', 0, 0),
  ('8.1', 'technological', 60, '利用者端末の保護', 'PCs, phones and other endpoints', 0, 0),
  ('8.2', 'technological', 61, '特権的アクセス権の管理', 'Administrator rights', 0, 0),
  ('8.3', 'technological', 62, '情報へのアクセス制限', 'Limiting access to information', 0, 0),
  ('8.4', 'technological', 63, 'ソースコードへのアクセス管理', 'Access to source code', 0, 0),
  ('8.5', 'technological', 64, '安全な認証', 'Strong sign-in', 0, 0),
  ('8.6', 'technological', 65, '容量・能力の管理', 'Planning capacity', 0, 0),
  ('8.7', 'technological', 66, 'マルウェア対策', 'Defence against malware', 0, 0),
  ('8.8', 'technological', 67, '技術的脆弱性の管理', 'Patching and handling vulnerabilities', 0, 0),
  ('8.9', 'technological', 68, '構成管理', 'Keeping configurations secure', 0, 0),
  ('8.10', 'technological', 69, '不要な情報の削除', 'Deleting information no longer needed', 0, 0),
  ('8.11', 'technological', 70, 'データのマスキング', 'Masking data', 0, 0),
  ('8.12', 'technological', 71, '情報漏えいの防止', 'Preventing data leaks', 0, 0),
  ('8.13', 'technological', 72, 'バックアップ', 'Backing up', 0, 0),
  ('8.14', 'technological', 73, '情報処理施設の冗長化', 'Redundant processing facilities', 0, 0),
  ('8.15', 'technological', 74, 'ログの取得', 'Keeping logs', 0, 0),
  ('8.16', 'technological', 75, '異常な活動の監視', 'Watching for unusual activity', 0, 0),
  ('8.17', 'technological', 76, '時刻同期', 'Synchronised clocks', 0, 0),
  ('8.18', 'technological', 77, '特権的ユーティリティの使用制限', 'Limiting powerful utility tools', 0, 0),
  ('8.19', 'technological', 78, '稼働中システムへのソフトウェア導入', 'Installing software on live systems', 0, 0),
  ('8.20', 'technological', 79, 'ネットワークのセキュリティ', 'Protecting networks', 0, 0),
  ('8.21', 'technological', 80, 'ネットワークサービスのセキュリティ', 'Security of network services', 0, 0),
  ('8.22', 'technological', 81, 'ネットワークの分離', 'Separating networks', 0, 0),
  ('8.23', 'technological', 82, 'Webアクセスのフィルタリング', 'Filtering web access', 0, 0),
  ('8.24', 'technological', 83, '暗号の利用と鍵管理', 'Encryption and keys', 0, 0),
  ('8.25', 'technological', 84, 'セキュリティに配慮した開発のライフサイクル', 'Security across the development life cycle', 0, 0),
  ('8.26', 'technological', 85, 'アプリケーションのセキュリティ要求事項', 'Security requirements for applications', 0, 0),
  ('8.27', 'technological', 86, '安全なシステム設計の原則', 'Secure design principles', 0, 0),
  ('8.28', 'technological', 87, 'セキュアコーディング', 'Writing code safely', 0, 0),
  ('8.29', 'technological', 88, '開発・受入れ時のセキュリティテスト', 'Security testing before release', 0, 0),
  ('8.30', 'technological', 89, '外部委託による開発', 'Development by contractors', 0, 0),
  ('8.31', 'technological', 90, '開発・テスト・本番環境の分離', 'Keeping development, test and production apart', 0, 0),
  ('8.32', 'technological', 91, '変更管理', 'Controlling changes', 0, 0),
  ('8.33', 'technological', 92, 'テスト用データの扱い', 'Data used for testing', 0, 0),
  ('8.34', 'technological', 93, '監査時の情報システムの保護', 'Protecting systems during audits', 0, 0);

CREATE TABLE risks (
  id @ID@,
  asset_id BIGINT REFERENCES assets (id),
  pinfo_id BIGINT REFERENCES pinfo (id),
  department_id BIGINT,
  threat TEXT NOT NULL,
  vulnerability TEXT NOT NULL,
  likelihood INTEGER NOT NULL,
  impact INTEGER NOT NULL,
  level INTEGER NOT NULL,
  treatment TEXT NOT NULL,
  measures TEXT NOT NULL DEFAULT '',
  residual_likelihood INTEGER,
  residual_impact INTEGER,
  residual_level INTEGER,
  owner_id BIGINT REFERENCES users (id),
  accepted_by BIGINT REFERENCES users (id),
  accepted_at BIGINT,
  review_on TEXT,
  search TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX risks_department ON risks (department_id, id);
CREATE INDEX risks_asset ON risks (asset_id);
CREATE INDEX risks_pinfo ON risks (pinfo_id);
CREATE INDEX risks_cell ON risks (likelihood, impact);

CREATE TABLE risk_controls (
  risk_id BIGINT NOT NULL REFERENCES risks (id) ON DELETE CASCADE,
  control_id BIGINT NOT NULL REFERENCES soa_controls (id),
  PRIMARY KEY (risk_id, control_id)
);
CREATE INDEX risk_controls_control ON risk_controls (control_id);

INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'risks.read' AS permission UNION ALL SELECT 'risks.write'
    UNION ALL SELECT 'risks.configure' UNION ALL SELECT 'soa.read'
    UNION ALL SELECT 'soa.write') p
  WHERE r.name IN ('admin', 'officer');
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'risks.read' AS permission UNION ALL SELECT 'soa.read') p
  WHERE r.name IN ('auditor', 'executive');
INSERT INTO role_permissions (role_id, permission)
  SELECT r.id, p.permission FROM roles r, (
    SELECT 'risks.read' AS permission UNION ALL SELECT 'risks.write'
    UNION ALL SELECT 'soa.read') p
  WHERE r.name = 'manager';
INSERT INTO role_permissions (role_id, permission)
  SELECT id, 'risks.read' FROM roles WHERE name = 'employee';
