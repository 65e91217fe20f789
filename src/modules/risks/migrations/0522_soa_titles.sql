-- 0522: our own wording for the control titles that followed the standard's names too
-- closely. Each says what the control asks, in mamori's words; a short generic term may stay
-- inside a longer title of our own.

UPDATE soa_controls SET title_ja = '一人で完結させない業務の分担' WHERE number = '5.3';
UPDATE soa_controls SET title_ja = '監督官庁・警察などへの連絡窓口' WHERE number = '5.5';
UPDATE soa_controls SET title_ja = '守るべき度合いによる情報の格付け' WHERE number = '5.12';
UPDATE soa_controls SET title_ja = 'パスワードなどサインイン用の秘密の配布と管理' WHERE number = '5.17';
UPDATE soa_controls SET title_ja = '必要な分だけの利用権限の付与と定期的な見直し' WHERE number = '5.18';
UPDATE soa_controls SET title_ja = '事故の証拠を消さずに残す手順' WHERE number = '5.28';
UPDATE soa_controls SET title_ja = '業務を止めないためのIT基盤の準備と訓練' WHERE number = '5.30';
UPDATE soa_controls SET title_ja = 'ソフトウェアのライセンスや著作物の適正な利用' WHERE number = '5.32';
UPDATE soa_controls SET title_ja = '記録の改ざん・紛失・早すぎる廃棄の防止' WHERE number = '5.33';
UPDATE soa_controls SET title_ja = '運用作業の手順を書面で定めて使う' WHERE number = '5.37';
UPDATE soa_controls SET title_ja = '雇用契約・就業規則に書くセキュリティ上の義務' WHERE number = '6.2';
UPDATE soa_controls SET title_ja = '規程に違反したときの処分の決まり' WHERE number = '6.4';
UPDATE soa_controls SET title_ja = '在宅勤務・社外で働くときのルール' WHERE number = '6.7';
UPDATE soa_controls SET title_ja = '机の上と画面に情報を出したままにしない' WHERE number = '7.7';
UPDATE soa_controls SET title_ja = '社外へ持ち出した機器・書類の保護' WHERE number = '7.9';
UPDATE soa_controls SET title_ja = 'USBメモリなど持ち運べる記録媒体の登録・利用・廃棄' WHERE number = '7.10';
UPDATE soa_controls SET title_ja = '停電・空調停止などへの備え' WHERE number = '7.11';
UPDATE soa_controls SET title_ja = '管理者権限を持つ人の限定と操作の記録' WHERE number = '8.2';
UPDATE soa_controls SET title_ja = '業務に必要な情報だけを見られるようにする' WHERE number = '8.3';
UPDATE soa_controls SET title_ja = 'プログラムのソースを読み書きできる人の限定',
  title_en = 'Who may read and change program source' WHERE number = '8.4';
UPDATE soa_controls SET title_ja = '処理能力・保存容量の見積りと監視' WHERE number = '8.6';
UPDATE soa_controls SET title_ja = 'ソフトウェアの弱点の把握と修正プログラムの適用' WHERE number = '8.8';
UPDATE soa_controls SET title_ja = '機器・ソフトウェアの設定を決めて守る' WHERE number = '8.9';
UPDATE soa_controls SET title_ja = '保管期限を過ぎた情報を確実に消す' WHERE number = '8.10';
UPDATE soa_controls SET title_ja = '社内ネットワークと接続機器の保護' WHERE number = '8.20';
UPDATE soa_controls SET title_ja = '回線・クラウド接続など外部のネットワークサービスの管理',
  title_en = 'Managing network services bought from providers' WHERE number = '8.21';
UPDATE soa_controls SET title_ja = '利用者やシステムごとにネットワークを分ける' WHERE number = '8.22';
UPDATE soa_controls SET title_ja = '暗号化の方法と鍵の扱いの決まり' WHERE number = '8.24';
UPDATE soa_controls SET title_ja = '開発の各段階への安全対策の組み込み' WHERE number = '8.25';
UPDATE soa_controls SET title_ja = '業務システムに求める安全要件の明確化' WHERE number = '8.26';
UPDATE soa_controls SET title_ja = '委託先が行う開発の指示と確認' WHERE number = '8.30';
UPDATE soa_controls SET title_ja = 'システム変更の申請・承認・確認 (変更管理)' WHERE number = '8.32';
