/* own.c — mamori's own personal data in the register: the personal information mamori itself
 * holds is registered like any other (JIS Q 15001:2023 6.1 asks for all of it), from this one
 * list. A module that starts keeping personal data adds its entry here. */
#include <string.h>

#include "pinfo.h"

#define MAMORI_DB      "mamori のデータベース (自社で管理するサーバ)"
#define MAMORI_STORAGE "データベースに保存。画面とAPIはロールで閲覧範囲を限定"
#define RESIDUAL_LOW   "低 (受容)"

/* Lifecycle rows that several entries share: the risk, what controls it, what is left. */
#define LC_WIRE                                                                                    \
	{                                                                                          \
		"通信の盗み見", "HTTPS (TLS) で通信する", RESIDUAL_LOW                             \
	}
#define LC_TAMPER                                                                                  \
	{                                                                                          \
		"記録の改ざん・消失", "変更の監査ログ (ハッシュチェーン)、バックアップ",           \
			RESIDUAL_LOW                                                               \
	}
#define LC_LEFT_YEARLY                                                                             \
	{                                                                                          \
		"保存期間を過ぎた記録の放置", "年1回の台帳の見直しで確認", RESIDUAL_LOW            \
	}
#define LC_LEFT_DAILY                                                                              \
	{                                                                                          \
		"保存期間を過ぎた記録の放置",                                                      \
			"保存期間を過ぎたものを毎日削除し、削除を監査ログに記録", RESIDUAL_LOW     \
	}

const struct pinfo_own pinfo_own_data[] = {
	{
		.key = "accounts",
		.count_sql = "SELECT COUNT(*) FROM users",
		.name = "mamori 利用者アカウント",
		.subjects = "従業者 (派遣・パート・委託先の従業者を含む)",
		.items = "氏名、ログインID、メールアドレス、所属部署、上長、雇用区分、アカウントの利用目"
			 "的と利用期限、ロール、パスワードのハッシュ、多要素認証の秘密鍵 (暗号化)、サイ"
			 "ンインと操作の記録",
		.purpose = "情報セキュリティと個人情報保護の運用 (教育、事故報告、申請と承認、台帳の管理) "
			   "のための本人確認、権限の管理と操作の記録",
		.acquisition = "システム管理者による登録 (所属部署からの依頼に基づく)",
		.storage_location = MAMORI_DB,
		.storage_method = MAMORI_STORAGE "。パスワードは argon2id でハッシュ化し、多要素認証の"
				  "秘密鍵は暗号化して保存",
		.access = "システム管理者、個人情報保護管理者。ほかの人は自分の情報と、権限で認められた"
			  "範囲のみ",
		.use_until = "在籍・契約の期間 (アカウントの利用期限まで)",
		.retention_until = "無効にしたアカウントは、監査ログを保存する期間中は保持",
		.disposal = "保存期間を過ぎたら、データベースから削除",
		.retained = true,
		.lc = {
			{ "他人の名前での登録、登録内容の誤り",
			  "登録はシステム管理者のみ。所属部署の依頼と上長の確認に基づく",
			  RESIDUAL_LOW },
			LC_WIRE,
			{ "権限を越えた閲覧、なりすまし",
			  "ロールによる権限管理、多要素認証、閲覧と変更の監査ログ", RESIDUAL_LOW },
			{ "データベースやバックアップの持ち出し",
			  "秘密情報の暗号化、サーバとバックアップの保管場所の限定", RESIDUAL_LOW },
			{ "退職者のアカウントの放置",
			  "利用期限での自動無効化、未使用アカウントの無効化、権限棚卸",
			  RESIDUAL_LOW },
		},
	},
	{
		.key = "training",
		.count_sql = "SELECT COUNT(DISTINCT user_id) FROM training_attempts",
		.name = "mamori 教育の受講記録",
		.subjects = "従業者 (派遣・パート・委託先の従業者を含む)",
		.items = "氏名、所属部署、雇用区分、受講した講座とその版、解答、得点、合否、受講日時、修"
			 "了証",
		.purpose = "教育の実施と理解度の確認、受講状況の管理、審査・監査での受講の証明",
		.acquisition = "本人の受講により記録",
		.storage_location = MAMORI_DB,
		.storage_method = MAMORI_STORAGE,
		.access = "個人情報保護管理者、内部監査員、部門責任者 (自部署の分)、本人",
		.use_until = "在籍・契約の期間",
		.retention_until = "社内規程で定める期間 (審査で過去の受講を示せる期間)",
		.disposal = "保存期間を過ぎたら、データベースから削除",
		.retained = true,
		.lc = {
			{ "受講者の取り違え", "本人がサインインして受講する", RESIDUAL_LOW },
			LC_WIRE,
			{ "得点を必要以上の人に見られる",
			  "名簿は権限を持つ人と自部署の部門責任者だけが見る。書き出しは監査ログに残る",
			  RESIDUAL_LOW },
			LC_TAMPER,
			LC_LEFT_YEARLY,
		},
	},
	{
		.key = "incidents",
		.count_sql = "SELECT COUNT(*) FROM incidents",
		.name = "mamori 事故・ヒヤリハット報告",
		.subjects = "報告者 (匿名の報告を除く)、事故の関係者、漏えい等の対象となった本人",
		.items = "報告者の氏名と所属、事故の状況、関係者の情報、漏えい等の対象となった本人の情報 "
			 "(項目・件数・本人への連絡内容)",
		.purpose = "事故とヒヤリハットへの対応、個人情報保護委員会・審査機関への報告、再発防止",
		.acquisition = "従業者からの報告、対応の中での記録",
		.storage_location = MAMORI_DB,
		.storage_method = MAMORI_STORAGE "。本人に関する詳細は暗号化して保存",
		.access = "個人情報保護管理者・ISMS事務局、報告者本人 (自分の報告)",
		.use_until = "対応と再発防止が終わるまで",
		.retention_until = "社内規程で定める期間 (当局・審査機関への報告の根拠として)",
		.disposal = "保存期間を過ぎたら、データベースから削除",
		.sensitive = false,
		.retained = true,
		.lc = {
			{ "匿名の報告者が分かってしまう",
			  "匿名の報告では、担当者以外に報告者を示さない", RESIDUAL_LOW },
			LC_WIRE,
			{ "関係のない人が事故の詳細を見る",
			  "詳細は担当者だけが見られ、閲覧は監査ログに残る", RESIDUAL_LOW },
			{ "記録の改ざん・消失",
			  "変更の監査ログ (ハッシュチェーン)、詳細の暗号化、バックアップ",
			  RESIDUAL_LOW },
			LC_LEFT_YEARLY,
		},
	},
	{
		.key = "visits",
		.count_sql = "SELECT COUNT(*) FROM visits",
		.name = "mamori 来訪者記録",
		.subjects = "来訪者 (取引先・業者など社外の人)",
		.items = "氏名、会社名 (いずれも暗号化)、用件、訪問先の担当者、入館・退館の日時、立ち入"
			 "った場所、同行の有無、入館証 (バッジ) の番号と返却、個人情報の取扱いへの同意",
		.purpose = "入館の管理と安全の確保 (事務所への立ち入りの記録、入館証の回収、緊急時の在"
			   "館者の確認)",
		.acquisition = "来訪者が受付端末で本人が記入、または訪問先の担当者・受付が登録",
		.storage_location = MAMORI_DB,
		.storage_method = MAMORI_STORAGE "。氏名と会社名は暗号化して保存し、閲覧は監査ログに残"
				  "す",
		.access = "個人情報保護管理者・受付 (全件)、訪問先の担当者 (自分の来訪者のみ)。受付端末"
			  "からはどの記録も読めない",
		.use_until = "退館まで (入館証の返却を確認するまで)",
		.retention_until = "退館から2年 (保存期間の設定による)",
		.disposal = "保存期間を過ぎたら、毎日の処理でデータベースから削除 (削除は監査ログに記録)",
		.retained = true,
		.lc = {
			{ "他の来訪者の記録が見える",
			  "受付端末は本人の記録を送るだけで、どの記録も読めない。1人1枚の記録",
			  RESIDUAL_LOW },
			LC_WIRE,
			{ "関係のない人が来訪者の名前を見る",
			  "担当者は自分の来訪者だけを見る。閲覧は監査ログに残る", RESIDUAL_LOW },
			{ "データベースやバックアップの持ち出し", "氏名と会社名を暗号化して保存",
			  RESIDUAL_LOW },
			{ "保存期間を過ぎた記録の放置",
			  "保存期間を過ぎたものを毎日削除し、削除を監査ログに記録。訴訟などで必要な記録"
			  "は保全 (削除の停止) できる",
			  RESIDUAL_LOW },
		},
	},
	{
		.key = "office_log",
		.count_sql = "SELECT COUNT(DISTINCT user_id) FROM office_log",
		.name = "mamori 入退室記録 (最初の入室・最終退出)",
		.subjects = "従業者 (派遣・パート・委託先の従業者を含む)",
		.items = "氏名、拠点、解錠・施錠の日時、施錠時の確認 (窓・キャビネット・PCの電源・警備"
			 "装置) とその補足",
		.purpose = "事務所の施錠と戸締りの確認、入退室管理の記録",
		.acquisition = "本人が解錠・施錠のときに記録",
		.storage_location = MAMORI_DB,
		.storage_method = MAMORI_STORAGE,
		.access = "従業者 (記録と閲覧)、個人情報保護管理者、拠点の管理者",
		.use_until = "記録した日から、施錠の確認が済むまで",
		.retention_until = "記録した日から2年 (保存期間の設定による)",
		.disposal = "保存期間を過ぎたら、毎日の処理でデータベースから削除 (削除は監査ログに記録)",
		.retained = true,
		.lc = {
			{ "他人の名前での記録", "本人がサインインして記録する", RESIDUAL_LOW },
			LC_WIRE,
			{ "在席の状況を必要以上に見られる", "閲覧はサインインした従業者に限る",
			  RESIDUAL_LOW },
			{ "記録の改ざん・消失", "追記のみの記録、監査ログ、バックアップ", RESIDUAL_LOW },
			LC_LEFT_DAILY,
		},
	},
	{
		.key = "checklists",
		.count_sql = "SELECT COUNT(DISTINCT user_id) FROM checklist_answers",
		.name = "mamori 点検の回答",
		.subjects = "従業者 (派遣・パート・委託先の従業者を含む)",
		.items = "氏名、所属部署、点検 (職場・テレワークの環境など) の各項目への回答とコメン"
			 "ト、回答日時、不適合から起こした是正処置",
		.purpose = "職場と在宅勤務の環境が規程に沿っているかの確認と、不適合の是正",
		.acquisition = "本人の回答により記録",
		.storage_location = MAMORI_DB,
		.storage_method = MAMORI_STORAGE,
		.access = "個人情報保護管理者・ISMS事務局、部門責任者 (自部署の分)、本人",
		.use_until = "点検の実施期間と、不適合の是正が済むまで",
		.retention_until = "回答から3年 (保存期間の設定による。2年より短くはできない)",
		.disposal = "保存期間を過ぎたら、毎日の処理でデータベースから削除 (削除は監査ログに記録)",
		.retained = true,
		.lc = {
			{ "他人の名前での回答", "本人がサインインして回答する", RESIDUAL_LOW },
			LC_WIRE,
			{ "自宅の様子などのコメントを必要以上の人に見られる",
			  "回答は権限を持つ人と自部署の部門責任者だけが見る。書き出しは監査ログに残る",
			  RESIDUAL_LOW },
			LC_TAMPER,
			LC_LEFT_DAILY,
		},
	},
	{
		.key = "pledges",
		.count_sql = "SELECT COUNT(DISTINCT user_id) FROM pledge_acknowledgements",
		.name = "mamori 誓約書の同意記録",
		.subjects = "従業者 (派遣・パート・委託先の従業者を含む)、退職・契約終了した人",
		.items = "氏名、所属部署、雇用区分、同意した誓約書とその版、同意の機会 (入社・定期・退"
			 "職時)、同意の日時と接続元",
		.purpose = "誓約書への同意の記録と、審査・監査・紛争での同意の証明",
		.acquisition = "本人がサインインし、パスワードを入力し直して同意したときに記録",
		.storage_location = MAMORI_DB,
		.storage_method = MAMORI_STORAGE "。同意した本文はハッシュ値で特定",
		.access = "個人情報保護管理者・ISMS事務局、内部監査員、本人",
		.use_until = "在籍・契約の期間と、退職後に誓約が効力を持つ期間",
		.retention_until = "社内規程で定める期間 (自動では削除しない)",
		.disposal = "社内規程の期間を過ぎたら、台帳の見直しで確認して削除",
		.retained = true,
		.lc = {
			{ "他人の名前での同意", "本人がサインインし、パスワードを入力し直して同意する",
			  RESIDUAL_LOW },
			LC_WIRE,
			{ "同意の有無を必要以上の人に見られる",
			  "一覧は権限を持つ人だけが見る。書き出しは監査ログに残る", RESIDUAL_LOW },
			LC_TAMPER,
			LC_LEFT_YEARLY,
		},
	},
	{ 0 },
};

const struct pinfo_own *pinfo_own_find(const char *key)
{
	for (const struct pinfo_own *o = pinfo_own_data; key && o->key; o++)
		if (!strcmp(o->key, key))
			return o;
	return NULL;
}

/* The create body of an entry of the list. */
static json_t *own_body(const struct pinfo_own *o)
{
	static const char *const stages[] = { "acquire", "transfer", "use", "store", "dispose" };
	static const char *const parts[] = { "risks", "controls", "residual" };
	json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:s}", "name",
			       o->name, "subjects", o->subjects, "items", o->items, "purpose",
			       o->purpose, "acquisition", o->acquisition, "storage_location",
			       o->storage_location, "storage_method", o->storage_method, "access",
			       o->access, "use_until", o->use_until, "retention_until",
			       o->retention_until, "disposal", o->disposal, "sensitive",
			       o->sensitive, "retained", o->retained, "notes",
			       "mamori が自動で登録した台帳です。件数は mamori が数えます。");
	for (size_t s = 0; s < ARRAY_SIZE(stages); s++)
		for (size_t p = 0; p < ARRAY_SIZE(parts); p++) {
			char key[40];
			snprintf(key, sizeof(key), "lc_%s_%s", stages[s], parts[p]);
			if (o->lc[s][p])
				json_object_set_new(in, key, json_string(o->lc[s][p]));
		}
	return in;
}

struct own_op {
	const struct actor *who;
	int added;
};

static int register_fn(struct db *db, void *arg)
{
	struct own_op *op = arg;
	op->added = 0;
	if (db_lock(db, "pinfo:own"))
		return -1;
	for (const struct pinfo_own *o = pinfo_own_data; o->key; o++) {
		int64_t one, id = 0;
		bool found;
		if (db_query_int(db, &one, &found, "SELECT 1 FROM pinfo WHERE own_key = ?",
				 P(V_TEXT(o->key))))
			return -1;
		if (found)
			continue;
		struct ferrors fe = FERRORS_INIT;
		json_t *in = own_body(o);
		struct reg_op rop = { .kind = &pinfo_kind,
				      .who = op->who,
				      .scope = &reg_scope_all };
		int rc = pinfo_kind.insert(db, op->who, &reg_scope_all, in, &id, &fe);
		json_decref(in);
		bool bad = ferr_any(&fe);
		ferr_release(&fe);
		if (rc || bad || !id)
			return -1; /* the list itself is wrong: a test catches it */
		if (db_exec(db, "UPDATE pinfo SET own_key = ? WHERE id = ?",
			    P(V_TEXT(o->key), V_INT(id))))
			return -1;
		rop.id = id;
		rop.fe = &fe;
		if (reg_audit_change(db, &rop, NULL, false, "pinfo.create"))
			return -1;
		op->added++;
	}
	return 0;
}

int pinfo_register_own(struct db *db, const struct actor *who)
{
	struct own_op op = { who, 0 };
	int64_t have, declared = 0;
	bool found;
	for (const struct pinfo_own *o = pinfo_own_data; o->key; o++)
		declared++;
	/* Usually all are there: a read, no write transaction. */
	if (db_query_int(db, &have, &found, "SELECT COUNT(*) FROM pinfo WHERE own_key IS NOT NULL",
			 P0))
		return -1;
	if (have >= declared)
		return 0;
	return db_tx(db, register_fn, &op) ? -1 : op.added;
}

int pinfo_job(struct app *app, struct db *db)
{
	(void)app;
	struct actor job = { 0, NULL, "job" };
	return pinfo_register_own(db, &job) < 0 ? -1 : 0;
}
