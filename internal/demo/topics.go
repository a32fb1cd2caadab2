package demo

import (
	"fmt"

	"github.com/casedesk/casedesk"
)

// loc is a topic's text in one language. Ask and Info are optional: the
// generic phrases of the language stand in for them.
type loc struct{ Title, Desc, Ask, Info, Fix string }

// topic is a kind of problem customers write about (SPEC's examples).
type topic struct {
	key     string
	cat     casedesk.Category
	product string
	sev     casedesk.Severity
	impact  casedesk.Impact
	weight  int
	trial   bool   // only trial customers ask this
	note    string // the engineer's internal note (staff write notes in English)
	attach  string // name of the file a customer attaches with the details
	text    map[string]loc
}

var (
	down     = casedesk.Impact{ServiceUnreachable: true, UsersAffected: "many"}
	degraded = casedesk.Impact{UsersAffected: "several"}
	single   = casedesk.Impact{UsersAffected: "one", Workaround: true}
)

var topics = []*topic{
	{key: "mail-flow", cat: casedesk.CategoryTechnical, product: "mail", sev: casedesk.SeverityA, impact: down, weight: 3,
		note:   "Message trace: all inbound deferred at the edge, MX points to the old gateway 203.0.113.25. Not a service incident.",
		attach: "message-trace.csv",
		text: map[string]loc{
			"en": {Title: "Inbound mail not delivered for the whole company",
				Desc: "Since about 08:40 this morning no external mail reaches our mailboxes. Senders get the bounce 451 4.4.7 \"Message expired\". Internal mail still works. This affects everyone, including the order desk.",
				Ask:  "Could you run a message trace for one of the missing messages and send us the sender, the recipient and the time it was sent? Please also check whether your MX record still points to the service.",
				Info: "Message trace attached: sent 08:52, status \"Pending\". Our DNS provider changed some records yesterday evening.",
				Fix:  "The MX record of your domain was changed back to your old on-premises gateway during yesterday's DNS change. After your DNS provider restored the correct value, the queued messages were delivered. Mail flow is back to normal."},
			"de": {Title: "Kein Posteingang mehr für das ganze Unternehmen",
				Desc: "Seit heute Morgen ca. 08:40 Uhr kommen keine externen E-Mails mehr in unseren Postfächern an. Absender erhalten die Unzustellbarkeitsmeldung 451 4.4.7. Interne Mails funktionieren. Betroffen sind alle Mitarbeitenden, auch der Auftragseingang.",
				Fix:  "Der MX-Eintrag Ihrer Domäne wurde bei der gestrigen DNS-Umstellung auf Ihr altes lokales Gateway geändert. Nachdem Ihr DNS-Anbieter den korrekten Wert wiederhergestellt hat, wurden die wartenden Nachrichten zugestellt. Der Nachrichtenfluss ist wieder normal."},
			"zh-CN": {Title: "全公司无法接收外部邮件",
				Desc: "从今天早上 8:40 左右开始，外部邮件无法送达我们的邮箱，发件人收到 451 4.4.7 退信。内部邮件正常。所有员工都受到影响，包括订单部门。",
				Fix:  "昨天更改 DNS 时，您域名的 MX 记录被改回了旧的本地网关。DNS 服务商恢复正确的值后，队列中的邮件已全部投递，邮件流已恢复正常。"},
			"ja": {Title: "全社で外部からのメールを受信できない",
				Desc: "本日 8:40 頃から、社外からのメールがメールボックスに届かなくなりました。送信者には 451 4.4.7 の配信不能通知が返っています。社内メールは正常です。受注窓口を含む全社員が影響を受けています。",
				Fix:  "昨日の DNS 変更の際に、ドメインの MX レコードが旧オンプレミス ゲートウェイに変更されていました。DNS 事業者が正しい値に戻した後、キューに滞留していたメールはすべて配信され、メール フローは正常に戻りました。"},
		}},
	{key: "site-down", cat: casedesk.CategoryTechnical, product: "sites", sev: casedesk.SeverityA, impact: down, weight: 2,
		note: "Site collection locked (NoAccess) after exceeding its storage quota. Unlocked via the backend tool after approval.",
		text: map[string]loc{
			"en": {Title: "Intranet site is down (HTTP 503)",
				Desc: "Our main intranet site returns \"Service unavailable (503)\" for every user since 10:05. Other sites in the tenant open normally. The board presentation for this afternoon is stored there.",
				Ask:  "Could you send the correlation ID shown on the error page and the full URL of the site?",
				Info: "Correlation ID 3f1c9a2e-7b41-4d0e-9a55-1c2b7e0d8f61, URL /sites/intranet. It happens in every browser.",
				Fix:  "The site had been locked automatically because its storage quota was exceeded after a bulk upload. We raised the quota and removed the lock; the site is reachable again. Consider turning on automatic storage management for this site."},
			"de": {Title: "Intranet-Seite nicht erreichbar (HTTP 503)",
				Desc: "Unsere zentrale Intranet-Seite liefert seit 10:05 Uhr für alle Benutzer „Dienst nicht verfügbar (503)“. Andere Seiten funktionieren. Dort liegt die Präsentation für die Vorstandssitzung heute Nachmittag.",
				Fix:  "Die Seite wurde automatisch gesperrt, weil nach einem Massen-Upload das Speicherkontingent überschritten war. Wir haben das Kontingent erhöht und die Sperre aufgehoben; die Seite ist wieder erreichbar."},
			"zh-CN": {Title: "内部门户网站无法访问（HTTP 503）",
				Desc: "从 10:05 开始，所有用户打开公司门户网站时都显示“服务不可用 (503)”。租户中的其他网站正常。今天下午董事会要用的演示文稿就存放在这个网站上。",
				Fix:  "由于批量上传后存储配额超限，该网站被自动锁定。我们已提高配额并解除锁定，网站现已恢复访问。"},
			"ja": {Title: "社内ポータル サイトにアクセスできない (HTTP 503)",
				Desc: "10:05 以降、全ユーザーが社内ポータル サイトを開くと「サービスを利用できません (503)」と表示されます。他のサイトは正常に開けます。本日午後の役員会議の資料がこのサイトに保存されています。",
				Fix:  "一括アップロードによりストレージ クォータを超過したため、サイトが自動的にロックされていました。クォータを引き上げてロックを解除しましたので、現在はアクセスできます。"},
		}},
	{key: "meetings-down", cat: casedesk.CategoryTechnical, product: "meetings", sev: casedesk.SeverityA, impact: down, weight: 2,
		note: "Linked to service incident MT-4821 (meeting join failures at the regional edge). Customer also sees the incident in service health.",
		text: map[string]loc{
			"en": {Title: "Nobody can join or schedule meetings",
				Desc: "Since 14:00 all users get \"We couldn't connect you\" when they join a meeting, and new meetings cannot be scheduled from the calendar. Chat still works. We have customer calls all afternoon.",
				Fix:  "A service incident affected joining meetings in your region between 13:52 and 15:10; it has been mitigated and meetings work again. The post-incident report will be published in the admin center under Service health within five business days."},
			"de": {Title: "Niemand kann Besprechungen beitreten oder planen",
				Desc: "Seit 14:00 Uhr erhalten alle Benutzer beim Beitreten zu einer Besprechung „Verbindung nicht möglich“, und im Kalender lassen sich keine neuen Besprechungen planen. Chat funktioniert. Wir haben den ganzen Nachmittag Kundentermine.",
				Fix:  "Zwischen 13:52 und 15:10 Uhr hat eine Dienststörung in Ihrer Region den Beitritt zu Besprechungen verhindert. Die Störung ist behoben. Den Abschlussbericht finden Sie innerhalb von fünf Werktagen im Admin Center unter Dienststatus."},
			"zh-CN": {Title: "所有人都无法加入或安排会议",
				Desc: "从 14:00 开始，所有用户加入会议时都提示“无法连接”，也无法在日历中安排新会议。聊天功能正常。我们整个下午都有客户电话会议。",
				Fix:  "13:52 至 15:10 期间，您所在区域发生了一次服务事件，导致无法加入会议。该事件已缓解，会议功能已恢复。事件报告将在五个工作日内发布在管理中心的服务运行状况页面。"},
			"ja": {Title: "全員が会議に参加・会議を予約できない",
				Desc: "14:00 以降、全ユーザーが会議に参加しようとすると「接続できませんでした」と表示され、予定表から新しい会議も予約できません。チャットは利用できます。午後は顧客との打ち合わせが続いています。",
				Fix:  "13:52 から 15:10 の間、お客様のリージョンでサービス インシデントが発生し、会議に参加できない状態になっていました。現在は復旧しています。インシデント レポートは 5 営業日以内に管理センターのサービス正常性に掲載されます。"},
		}},
	{key: "send-garbled", cat: casedesk.CategoryTechnical, product: "apps", sev: casedesk.SeverityB, impact: degraded, weight: 5,
		note:   "Known issue KB-2231: language pack mismatch in build 17928.20156, fixed in .20216.",
		attach: "client-version.txt",
		text: map[string]loc{
			"en": {Title: "Send button shows garbled text in the mail client",
				Desc: "After last week's client update, the Send button in the desktop mail client shows unreadable characters (\"■■■■\") for several users. Sending still works with Ctrl+Enter.",
				Ask:  "Which client version and display language do the affected users have (File > Account > About)?",
				Info: "Version 2408 (build 17928.20156), display language German on Windows 11 with English as the base language.",
				Fix:  "This is a known issue with the language pack of build 17928.20156. Please update the client to build 17928.20216 or later (File > Account > Update options > Update now); the labels are shown correctly afterwards."},
			"de": {Title: "Schaltfläche „Senden“ zeigt unleserlichen Text",
				Desc: "Seit dem Client-Update letzte Woche zeigt die Schaltfläche „Senden“ im Mail-Client bei mehreren Benutzern unleserliche Zeichen an („■■■■“). Mit Strg+Eingabe lässt sich trotzdem senden.",
				Info: "Version 2408 (Build 17928.20156), Anzeigesprache Deutsch, Windows 11 mit Englisch als Basissprache.",
				Fix:  "Es handelt sich um ein bekanntes Problem mit dem Sprachpaket in Build 17928.20156. Bitte aktualisieren Sie den Client auf Build 17928.20216 oder neuer (Datei > Office-Konto > Updateoptionen > Jetzt aktualisieren); danach werden die Beschriftungen korrekt angezeigt."},
			"zh-CN": {Title: "邮件客户端的“发送”按钮显示乱码",
				Desc: "上周客户端更新后，有几位用户的桌面邮件客户端中“发送”按钮显示为乱码（如“■■■■”）。按 Ctrl+Enter 仍然可以发送。",
				Fix:  "这是版本 17928.20156 中语言包的已知问题。请将客户端更新到 17928.20216 或更高版本（文件 > 帐户 > 更新选项 > 立即更新），更新后按钮文字即可正常显示。"},
			"ja": {Title: "メール クライアントの [送信] ボタンが文字化けする",
				Desc: "先週のクライアント更新以降、複数のユーザーのデスクトップ メール クライアントで [送信] ボタンが文字化け（「■■■■」など）しています。Ctrl+Enter では送信できます。",
				Fix:  "ビルド 17928.20156 の言語パックに関する既知の問題です。クライアントをビルド 17928.20216 以降に更新してください（[ファイル] > [アカウント] > [更新オプション] > [今すぐ更新]）。更新後は正しく表示されます。"},
		}},
	{key: "admin-setting", cat: casedesk.CategoryTechnical, product: "admin", sev: casedesk.SeverityB, impact: casedesk.Impact{UsersAffected: "one", Workaround: true, Deadline: "audit next week"}, weight: 3,
		note: "Reproduced: the admin center save returns 409 from the policy cache. Cache refreshed for the tenant.",
		text: map[string]loc{
			"en": {Title: "Sharing setting cannot be changed in the admin center",
				Desc: "When we try to turn off anonymous sharing links in the admin center, the page says \"Something went wrong\" and the setting stays on. Changing it from the command line works, but our auditors want the change made and logged in the admin center.",
				Fix:  "The admin center page failed because of a stale policy cache for your tenant. We have refreshed it; the setting can now be changed in the admin center and the change appears in the audit log."},
			"de": {Title: "Freigabeeinstellung lässt sich im Admin Center nicht ändern",
				Desc: "Wenn wir im Admin Center anonyme Freigabelinks deaktivieren wollen, erscheint „Ein Fehler ist aufgetreten“, und die Einstellung bleibt aktiv. Über die Befehlszeile funktioniert es, aber unsere Prüfer möchten die Änderung im Admin Center protokolliert sehen.",
				Fix:  "Die Seite im Admin Center schlug wegen eines veralteten Richtlinien-Caches für Ihren Mandanten fehl. Wir haben ihn aktualisiert; die Einstellung lässt sich jetzt im Admin Center ändern und erscheint im Überwachungsprotokoll."},
			"zh-CN": {Title: "无法在管理中心更改共享设置",
				Desc: "我们在管理中心尝试关闭匿名共享链接时，页面提示“出现问题”，设置没有改变。使用命令行可以修改，但审计要求在管理中心中修改并留有记录。",
				Fix:  "由于您租户的策略缓存过期，管理中心页面保存失败。我们已刷新缓存，现在可以在管理中心修改该设置，更改也会记录在审核日志中。"},
			"ja": {Title: "管理センターで共有設定を変更できない",
				Desc: "管理センターで匿名の共有リンクを無効にしようとすると「問題が発生しました」と表示され、設定が変わりません。コマンド ラインでは変更できますが、監査のため管理センターで変更して記録を残す必要があります。",
				Fix:  "テナントのポリシー キャッシュが古くなっていたため、管理センターでの保存に失敗していました。キャッシュを更新しましたので、管理センターで設定を変更でき、監査ログにも記録されます。"},
		}},
	{key: "password-never-expires", cat: casedesk.CategoryTechnical, product: "identity", sev: casedesk.SeverityC, impact: single, weight: 5,
		text: map[string]loc{
			"en": {Title: "How to set a password that never expires",
				Desc: "We have a service account that our scanner uses to send mail. How can we set its password to never expire without changing the policy for everyone?",
				Fix:  "The expiration policy can be set per user: in the admin center open Users > Active users > the account > Password and choose \"Set password to never expire\", or set PasswordPolicies to DisablePasswordExpiration for that user from the command line. Use a long random password and restrict the account's sign-in to your office IP range."},
			"de": {Title: "Kennwort ohne Ablaufdatum festlegen",
				Desc: "Wir haben ein Dienstkonto, über das unser Scanner E-Mails versendet. Wie können wir das Kennwort dieses Kontos auf „läuft nie ab“ setzen, ohne die Richtlinie für alle zu ändern?",
				Fix:  "Die Ablaufrichtlinie lässt sich pro Benutzer festlegen: im Admin Center unter Benutzer > Aktive Benutzer > Konto > Kennwort > „Kennwort läuft nie ab“, oder per Befehlszeile mit PasswordPolicies = DisablePasswordExpiration nur für dieses Konto. Wir empfehlen ein langes Zufallskennwort und eine Anmeldebeschränkung auf Ihre Büro-IP-Adressen."},
			"zh-CN": {Title: "如何设置永不过期的密码",
				Desc: "我们有一个扫描仪用来发送邮件的服务帐户。如何在不修改全体用户策略的情况下，将这个帐户的密码设置为永不过期？",
				Fix:  "可以为单个用户设置密码过期策略：在管理中心打开“用户 > 活跃用户 > 该帐户 > 密码”，选择“设置密码永不过期”，或使用命令行仅对该用户设置 PasswordPolicies 为 DisablePasswordExpiration。建议使用较长的随机密码，并限制该帐户只能从公司 IP 登录。"},
			"ja": {Title: "パスワードを無期限に設定する方法",
				Desc: "複合機からメールを送信するためのサービス アカウントがあります。全員のポリシーを変えずに、このアカウントのパスワードだけを無期限にするにはどうすればよいですか。",
				Fix:  "パスワードの有効期限はユーザーごとに設定できます。管理センターの [ユーザー] > [アクティブなユーザー] > 対象アカウント > [パスワード] で「パスワードを無期限にする」を選択するか、コマンド ラインでそのユーザーのみ PasswordPolicies を DisablePasswordExpiration に設定してください。長いランダムなパスワードを使い、サインインを社内 IP に制限することをお勧めします。"},
		}},
	{key: "delete-contact", cat: casedesk.CategoryTechnical, product: "mail", sev: casedesk.SeverityC, impact: single, weight: 3,
		text: map[string]loc{
			"en": {Title: "User cannot delete a contact",
				Desc: "One of our users gets \"The item could not be deleted\" when she tries to delete an old contact in web mail. Other contacts can be deleted.",
				Ask:  "Was the contact synchronized from a mobile device or from another app?",
				Info: "Yes, it came from her phone's address book through the mobile app.",
				Fix:  "The contact is in a folder synchronized from the mobile app and is read-only on the web. Delete it on the phone (or turn off contact sync in the mobile app, which removes the synced folder); it then disappears everywhere."},
			"de": {Title: "Benutzerin kann einen Kontakt nicht löschen",
				Desc: "Eine Benutzerin erhält im Web-Mail „Das Element konnte nicht gelöscht werden“, wenn sie einen alten Kontakt löschen möchte. Andere Kontakte lassen sich löschen.",
				Fix:  "Der Kontakt liegt in einem Ordner, der von der mobilen App synchronisiert wird, und ist im Web schreibgeschützt. Bitte löschen Sie ihn auf dem Telefon (oder deaktivieren Sie die Kontaktsynchronisierung in der App); danach verschwindet er überall."},
			"zh-CN": {Title: "用户无法删除联系人",
				Desc: "一位用户在网页版邮件中删除一个旧联系人时提示“无法删除该项目”，其他联系人可以正常删除。",
				Fix:  "该联系人位于从移动应用同步的文件夹中，在网页版中为只读。请在手机上删除它（或在移动应用中关闭联系人同步），之后它会在所有位置消失。"},
			"ja": {Title: "ユーザーが連絡先を削除できない",
				Desc: "あるユーザーが Web メールで古い連絡先を削除しようとすると「アイテムを削除できませんでした」と表示されます。他の連絡先は削除できます。",
				Fix:  "この連絡先はモバイル アプリから同期されたフォルダーにあり、Web では読み取り専用です。スマートフォン側で削除するか、モバイル アプリの連絡先同期をオフにしてください。その後、すべての場所から削除されます。"},
		}},
	{key: "domain-redelegation", cat: casedesk.CategoryTechnical, product: "identity", sev: casedesk.SeverityB, impact: casedesk.Impact{UsersAffected: "many", Workaround: true, Deadline: "DNS move on Friday"}, weight: 4,
		text: map[string]loc{
			"en": {Title: "Redelegating our domain to a new DNS host",
				Desc: "We are moving the DNS hosting of our primary domain to a new provider this Friday. Which records do we need to recreate so that mail, sign-in and meetings keep working? Could the service manage the DNS zone for us instead?",
				Fix:  "Before changing the name servers, recreate these records at the new host: MX, the autodiscover CNAME, the SPF TXT record, the two DKIM CNAMEs and the SRV records for meetings, as listed under Settings > Domains > your domain > DNS records. Lower the TTL to 300 seconds a day before the move. If you prefer, the service can host the zone: choose \"Let us manage your DNS\" and point the registrar to the name servers shown there."},
			"de": {Title: "Umzug der Domäne zu einem neuen DNS-Anbieter",
				Desc: "Wir ziehen das DNS-Hosting unserer Hauptdomäne am Freitag zu einem neuen Anbieter um. Welche Einträge müssen wir dort neu anlegen, damit E-Mail, Anmeldung und Besprechungen weiter funktionieren? Kann alternativ der Dienst die DNS-Zone für uns verwalten?",
				Fix:  "Legen Sie vor dem Wechsel der Nameserver beim neuen Anbieter folgende Einträge an: MX, den Autodiscover-CNAME, den SPF-TXT-Eintrag, die beiden DKIM-CNAMEs und die SRV-Einträge für Besprechungen, wie unter Einstellungen > Domänen > Ihre Domäne > DNS-Einträge aufgeführt. Senken Sie die TTL einen Tag vorher auf 300 Sekunden. Alternativ kann der Dienst die Zone hosten: Wählen Sie „DNS von uns verwalten lassen“ und tragen Sie beim Registrar die dort angezeigten Nameserver ein."},
			"zh-CN": {Title: "将域名重新委派到新的 DNS 服务商",
				Desc: "本周五我们要把主域名的 DNS 托管迁移到新的服务商。需要在新服务商处重建哪些记录，才能保证邮件、登录和会议正常？也可以由服务来托管我们的 DNS 区域吗？",
				Fix:  "更改名称服务器之前，请在新服务商处重建以下记录：MX、autodiscover CNAME、SPF TXT 记录、两条 DKIM CNAME 以及会议所需的 SRV 记录，具体值见“设置 > 域 > 您的域 > DNS 记录”。迁移前一天将 TTL 调低到 300 秒。也可以选择“由我们管理 DNS”，并在注册商处改为页面上显示的名称服务器。"},
			"ja": {Title: "ドメインの DNS を新しいホストへ移管したい",
				Desc: "今週金曜日にメイン ドメインの DNS ホスティングを新しい事業者へ移管します。メール、サインイン、会議を継続して利用するには、どのレコードを作成し直せばよいでしょうか。また、DNS ゾーンをサービス側で管理してもらうことはできますか。",
				Fix:  "ネーム サーバーを変更する前に、新しい事業者で MX、autodiscover の CNAME、SPF の TXT、DKIM の CNAME 2 件、会議用の SRV レコードを作成してください（値は [設定] > [ドメイン] > 対象ドメイン > [DNS レコード] に表示されます）。移管の前日に TTL を 300 秒に下げておくことをお勧めします。サービス側でゾーンをホストする場合は「DNS を管理してもらう」を選び、表示されたネーム サーバーをレジストラーに設定してください。"},
		}},
	{key: "sso", cat: casedesk.CategoryTechnical, product: "identity", sev: casedesk.SeverityB, impact: casedesk.Impact{UsersAffected: "several"}, weight: 4,
		note: "Federation settings of the domain still carry the old signing certificate (thumbprint 9A3F…). Customer updated it during the call.",
		text: map[string]loc{
			"en": {Title: "Single sign-on fails after certificate renewal",
				Desc: "Since we renewed the token-signing certificate on our federation server yesterday, users signing in from outside the office get \"Error 50008: the SAML token is invalid\". Users in the office are not affected yet.",
				Fix:  "The service still trusted the old token-signing certificate. We updated the federation settings of your domain with the new certificate together on the call (Settings > Domains > your domain > Federation > Update certificate); sign-in works again. Before the next renewal you can add the new certificate as the secondary one in advance."},
			"de": {Title: "Single Sign-On schlägt nach Zertifikatserneuerung fehl",
				Desc: "Seit wir gestern das Tokensignaturzertifikat auf unserem Verbundserver erneuert haben, erhalten Benutzer außerhalb des Büros beim Anmelden „Fehler 50008: Das SAML-Token ist ungültig“.",
				Fix:  "Der Dienst vertraute noch dem alten Tokensignaturzertifikat. Wir haben die Verbundeinstellungen Ihrer Domäne gemeinsam mit dem neuen Zertifikat aktualisiert (Einstellungen > Domänen > Ihre Domäne > Verbund > Zertifikat aktualisieren); die Anmeldung funktioniert wieder. Vor der nächsten Erneuerung können Sie das neue Zertifikat vorab als sekundäres Zertifikat hinterlegen."},
			"zh-CN": {Title: "证书续订后单点登录失败",
				Desc: "昨天我们续订了联合服务器上的令牌签名证书，此后在公司外登录的用户收到“错误 50008：SAML 令牌无效”。",
				Fix:  "服务仍然信任旧的令牌签名证书。我们已在通话中协助您在域的联合设置中更新为新证书（设置 > 域 > 您的域 > 联合 > 更新证书），登录已恢复正常。建议下次续订前先将新证书添加为辅助证书。"},
			"ja": {Title: "証明書の更新後にシングル サインオンが失敗する",
				Desc: "昨日フェデレーション サーバーのトークン署名証明書を更新して以来、社外からサインインするユーザーに「エラー 50008: SAML トークンが無効です」と表示されます。",
				Fix:  "サービス側が古いトークン署名証明書を信頼したままになっていました。お電話でご一緒にドメインのフェデレーション設定を新しい証明書で更新しました（[設定] > [ドメイン] > 対象ドメイン > [フェデレーション] > [証明書の更新]）。サインインは正常に戻っています。次回の更新前に、新しい証明書をセカンダリとして事前登録しておくことをお勧めします。"},
		}},
	{key: "directory-sync", cat: casedesk.CategoryTechnical, product: "identity", sev: casedesk.SeverityB, impact: degraded, weight: 4,
		note:   "Tenant shows directory sync error stopped-credential-error since Monday 02:00.",
		attach: "sync-eventlog.txt",
		text: map[string]loc{
			"en": {Title: "Directory synchronization stopped three days ago",
				Desc: "The admin center says the last directory sync was three days ago. New employees created in our on-premises directory do not get accounts, and a leaver's account is still active in the cloud.",
				Ask:  "Please send the last lines of the sync tool's event log and tell us whether the password of the sync server's service account was changed recently.",
				Info: "The event log shows \"stopped-credential-error\" since Monday. Our security team rotated service account passwords on Monday.",
				Fix:  "The password of the sync tool's connector account was rotated by your security team and no longer matched. After updating it in the sync tool (Configure > Change user sign-in > Connector credentials) a full sync ran successfully; the new users exist and the leaver's account is disabled."},
			"de": {Title: "Verzeichnissynchronisierung seit drei Tagen angehalten",
				Desc: "Laut Admin Center war die letzte Verzeichnissynchronisierung vor drei Tagen. Neue Mitarbeitende aus unserem lokalen Verzeichnis erhalten keine Konten, und das Konto eines ausgeschiedenen Mitarbeiters ist in der Cloud noch aktiv.",
				Info: "Im Ereignisprotokoll steht seit Montag „stopped-credential-error“. Unser Sicherheitsteam hat am Montag die Kennwörter der Dienstkonten geändert.",
				Fix:  "Das Kennwort des Connector-Kontos wurde von Ihrem Sicherheitsteam geändert und stimmte im Synchronisierungstool nicht mehr. Nach der Aktualisierung lief eine vollständige Synchronisierung erfolgreich; neue Benutzer sind angelegt, und das Konto des ausgeschiedenen Mitarbeiters ist deaktiviert."},
			"zh-CN": {Title: "目录同步已停止三天",
				Desc: "管理中心显示上次目录同步是在三天前。在本地目录中新建的员工没有获得帐户，已离职员工的云帐户仍处于启用状态。",
				Fix:  "您的安全团队轮换了同步工具连接器帐户的密码，导致凭据不匹配。在同步工具中更新密码后，完整同步已成功运行；新用户已创建，离职员工的帐户已禁用。"},
			"ja": {Title: "ディレクトリ同期が 3 日前から停止している",
				Desc: "管理センターでは、最後のディレクトリ同期が 3 日前になっています。オンプレミスのディレクトリで作成した新入社員のアカウントが作成されず、退職者のアカウントもクラウド上で有効なままです。",
				Fix:  "セキュリティ チームによってコネクタ アカウントのパスワードが変更され、同期ツールの資格情報と一致していませんでした。同期ツールでパスワードを更新した後、完全同期が正常に完了し、新しいユーザーの作成と退職者アカウントの無効化が反映されました。"},
		}},
	{key: "mailbox-migration", cat: casedesk.CategoryTechnical, product: "mail", sev: casedesk.SeverityB, impact: casedesk.Impact{UsersAffected: "many", Workaround: true, Deadline: "cutover this weekend"}, weight: 4,
		note: "Both sample mailboxes contain items over 150 MB; LargeItemLimit raised with the customer's consent (recorded in the call).",
		text: map[string]loc{
			"en": {Title: "Mailbox migration batch stuck at 95%",
				Desc: "Our second migration batch (120 mailboxes) has been at 95% \"Syncing\" for two days. We planned the cutover for this weekend.",
				Ask:  "Could you send the batch name and the migration report of two mailboxes that are stuck?",
				Info: "Batch \"Wave2-Sales\". The stuck mailboxes are large (48 GB and 51 GB) and contain items bigger than 150 MB.",
				Fix:  "The stuck mailboxes contain items over the 150 MB migration limit. We skipped those items (LargeItemLimit set to 20) and the batch completed. The report lists the skipped items so that users can save them to file storage before the cutover."},
			"de": {Title: "Postfachmigration hängt bei 95 %",
				Desc: "Unser zweiter Migrationsbatch (120 Postfächer) steht seit zwei Tagen bei 95 % „Wird synchronisiert“. Die Umstellung ist für das Wochenende geplant.",
				Fix:  "Die hängenden Postfächer enthalten Elemente über dem Migrationslimit von 150 MB. Wir haben diese Elemente übersprungen (LargeItemLimit auf 20 gesetzt), und der Batch wurde abgeschlossen. Der Bericht listet die übersprungenen Elemente auf, damit die Benutzer sie vor der Umstellung sichern können."},
			"zh-CN": {Title: "邮箱迁移批次卡在 95%",
				Desc: "我们的第二个迁移批次（120 个邮箱）已经连续两天停在 95%“正在同步”。原计划本周末切换。",
				Fix:  "卡住的邮箱中包含超过 150 MB 迁移上限的项目。我们跳过了这些项目（将 LargeItemLimit 设置为 20），迁移批次已完成。报告中列出了被跳过的项目，用户可以在切换前把它们保存到文件存储中。"},
			"ja": {Title: "メールボックス移行バッチが 95% で止まっている",
				Desc: "2 回目の移行バッチ（120 メールボックス）が 2 日間 95%「同期中」のままです。週末に切り替えを予定しています。",
				Fix:  "停止していたメールボックスには、移行上限の 150 MB を超えるアイテムが含まれていました。これらのアイテムをスキップする設定（LargeItemLimit = 20）にしたところ、バッチは完了しました。スキップされたアイテムはレポートに記載されていますので、切り替え前にファイル ストレージへ保存してください。"},
		}},
	{key: "autodiscover", cat: casedesk.CategoryTechnical, product: "mail", sev: casedesk.SeverityB, impact: degraded, weight: 3,
		text: map[string]loc{
			"en": {Title: "Autodiscover fails for users of our new domain",
				Desc: "We added a second domain last week. Users with addresses in the new domain cannot set up the desktop mail client: it keeps asking for the password and finally says the server is unavailable.",
				Fix:  "The autodiscover CNAME of the new domain was missing, so the client fell back to an old on-premises endpoint. After adding the CNAME autodiscover.<new domain> pointing to the service, profile setup works. You can verify it with the connectivity analyzer."},
			"de": {Title: "Autodiscover schlägt für Benutzer der neuen Domäne fehl",
				Desc: "Wir haben letzte Woche eine zweite Domäne hinzugefügt. Benutzer mit Adressen der neuen Domäne können den Desktop-Mail-Client nicht einrichten: Er fragt immer wieder nach dem Kennwort und meldet schließlich, dass der Server nicht verfügbar ist.",
				Fix:  "Für die neue Domäne fehlte der Autodiscover-CNAME, daher griff der Client auf einen alten lokalen Endpunkt zurück. Nachdem der CNAME autodiscover.<neue Domäne> angelegt wurde, funktioniert die Profileinrichtung."},
			"zh-CN": {Title: "新域名用户的自动发现失败",
				Desc: "我们上周添加了第二个域名。使用新域名地址的用户无法配置桌面邮件客户端：客户端反复要求输入密码，最后提示服务器不可用。",
				Fix:  "新域名缺少 autodiscover CNAME 记录，客户端因此回退到旧的本地终结点。添加指向服务的 autodiscover.<新域名> CNAME 记录后，配置文件即可正常创建。"},
			"ja": {Title: "新しいドメインのユーザーで自動検出が失敗する",
				Desc: "先週 2 つ目のドメインを追加しました。新しいドメインのアドレスを持つユーザーがデスクトップ メール クライアントを設定できず、パスワードを何度も求められた後「サーバーを利用できません」と表示されます。",
				Fix:  "新しいドメインの autodiscover CNAME レコードが存在しなかったため、クライアントが古いオンプレミスのエンドポイントを参照していました。autodiscover.<新ドメイン> の CNAME を追加した後、プロファイルを正常に作成できるようになりました。"},
		}},
	{key: "external-sharing", cat: casedesk.CategoryTechnical, product: "sites", sev: casedesk.SeverityC, impact: single, weight: 3,
		text: map[string]loc{
			"en": {Title: "External partner cannot open a shared folder",
				Desc: "We shared a project folder with an engineer at our supplier. She receives the invitation, but after signing in she sees \"Access denied\". Sharing with other external people works.",
				Fix:  "The supplier's domain was on the blocked-domains list of your sharing policy (Sites admin > Policies > Sharing > Limit external sharing by domain). After removing it and sending the invitation again, she can open the folder."},
			"de": {Title: "Externe Partnerin kann freigegebenen Ordner nicht öffnen",
				Desc: "Wir haben einen Projektordner für eine Ingenieurin unseres Lieferanten freigegeben. Sie erhält die Einladung, sieht nach der Anmeldung aber „Zugriff verweigert“. Freigaben für andere externe Personen funktionieren.",
				Fix:  "Die Domäne Ihres Lieferanten stand in der Liste der blockierten Domänen Ihrer Freigaberichtlinie. Nachdem sie entfernt und die Einladung erneut gesendet wurde, kann die Partnerin den Ordner öffnen."},
			"zh-CN": {Title: "外部合作伙伴无法打开共享文件夹",
				Desc: "我们把一个项目文件夹共享给了供应商的一位工程师。她收到了邀请，但登录后显示“拒绝访问”。共享给其他外部人员没有问题。",
				Fix:  "供应商的域名在您共享策略的“阻止的域”列表中。将其移除并重新发送邀请后，她已经可以打开该文件夹。"},
			"ja": {Title: "社外パートナーが共有フォルダーを開けない",
				Desc: "仕入先のエンジニアにプロジェクト フォルダーを共有しました。招待メールは届きますが、サインイン後に「アクセスが拒否されました」と表示されます。他の社外ユーザーへの共有は問題ありません。",
				Fix:  "仕入先のドメインが共有ポリシーのブロック対象ドメインに登録されていました。削除して招待を再送信したところ、フォルダーを開けるようになりました。"},
		}},
	{key: "client-install", cat: casedesk.CategoryTechnical, product: "apps", sev: casedesk.SeverityC, impact: casedesk.Impact{UsersAffected: "several", Workaround: true}, weight: 3,
		note:   "Classic MSI / click-to-run conflict on the customer's image.",
		attach: "setup-log.txt",
		text: map[string]loc{
			"en": {Title: "Desktop apps installation fails with error 30015-11",
				Desc: "Installing the desktop apps on new laptops stops at 60% with error code 30015-11. The laptops are installed from our standard image.",
				Ask:  "Is there an older version of the apps, or a different (MSI-based) installer, on the image?",
				Info: "Yes, the image still contains an old MSI-based viewer component.",
				Fix:  "Error 30015-11 occurs when an MSI-based version is present. Remove the old viewer component with the removal tool, restart and run the installer again. Please also remove it from your standard image."},
			"de": {Title: "Installation der Desktop-Apps bricht mit Fehler 30015-11 ab",
				Desc: "Die Installation der Desktop-Apps auf neuen Laptops bricht bei 60 % mit dem Fehlercode 30015-11 ab. Die Laptops werden mit unserem Standard-Image installiert.",
				Fix:  "Fehler 30015-11 tritt auf, wenn noch eine MSI-basierte Version installiert ist. Bitte entfernen Sie die alte Viewer-Komponente mit dem Entfernungstool, starten Sie neu und führen Sie die Installation erneut aus. Entfernen Sie die Komponente bitte auch aus Ihrem Standard-Image."},
			"zh-CN": {Title: "安装桌面应用时出现错误 30015-11",
				Desc: "在新笔记本电脑上安装桌面应用时，进度到 60% 停止，并显示错误代码 30015-11。这些电脑使用我们的标准镜像部署。",
				Fix:  "当设备上存在基于 MSI 的旧版本时会出现错误 30015-11。请使用卸载工具删除旧的查看器组件，重启后重新安装，并将该组件从标准镜像中移除。"},
			"ja": {Title: "デスクトップ アプリのインストールがエラー 30015-11 で失敗する",
				Desc: "新しいノート PC にデスクトップ アプリをインストールすると、60% でエラー コード 30015-11 が表示されて停止します。PC は社内の標準イメージで展開しています。",
				Fix:  "MSI ベースの旧バージョンが残っていると、エラー 30015-11 が発生します。削除ツールで古いビューアー コンポーネントを削除し、再起動してから再度インストールしてください。標準イメージからも削除することをお勧めします。"},
		}},
	{key: "network-calls", cat: casedesk.CategoryTechnical, product: "meetings", sev: casedesk.SeverityB, impact: degraded, weight: 2,
		note:   "Out of scope per policy: the customer's own network. Guidance sent; no service issue.",
		attach: "network-assessment.txt",
		text: map[string]loc{
			"en": {Title: "Calls drop every few minutes in one branch office",
				Desc: "Users in one of our branch offices lose audio in calls every few minutes. In the head office and from home everything works.",
				Ask:  "Could you run the network assessment tool from the branch office and send us the result?",
				Info: "Result attached: 6–9% packet loss and more than 60 ms jitter towards the media relay, from the branch only.",
				Fix:  "The assessment shows packet loss and jitter on the branch office's own connection, before the traffic reaches the service; the service side is healthy. This is outside what we troubleshoot, so please involve your network team or internet provider (targets: below 1% loss and 30 ms jitter). The media ports and IP ranges they need are listed in the network connectivity guide."},
			"de": {Title: "Anrufe in einer Niederlassung brechen regelmäßig ab",
				Desc: "Benutzer in einer unserer Niederlassungen verlieren bei Anrufen alle paar Minuten den Ton. In der Zentrale und im Homeoffice funktioniert alles.",
				Fix:  "Die Messung zeigt Paketverluste und Jitter auf der Internetverbindung der Niederlassung selbst, bevor der Verkehr den Dienst erreicht; der Dienst arbeitet einwandfrei. Das liegt außerhalb dessen, was wir beheben können. Bitte beziehen Sie Ihr Netzwerkteam oder Ihren Internetanbieter ein (Zielwerte: unter 1 % Verlust und unter 30 ms Jitter)."},
			"zh-CN": {Title: "分支机构的通话每隔几分钟就中断",
				Desc: "我们一个分支机构的用户在通话时每隔几分钟就会没有声音。在总部和居家办公时一切正常。",
				Fix:  "测试结果显示，丢包和抖动发生在分支机构自身的网络连接上，流量尚未到达服务，服务端运行正常。这超出了我们的排查范围，请联系贵公司的网络团队或互联网服务提供商（目标值：丢包低于 1%，抖动低于 30 毫秒）。"},
			"ja": {Title: "支社での通話が数分ごとに途切れる",
				Desc: "ある支社のユーザーが、通話中に数分おきに音声が途切れます。本社や在宅勤務では問題ありません。",
				Fix:  "測定結果から、パケット ロスとジッターはサービスに到達する前の支社のネットワーク回線で発生しており、サービス側は正常です。当サポートでのトラブルシューティングの対象外となりますので、社内のネットワーク チームまたはインターネット プロバイダーにご相談ください（目安: パケット ロス 1% 未満、ジッター 30 ms 未満）。"},
		}},
	{key: "crm-add-in", cat: casedesk.CategoryTechnical, product: "apps", sev: casedesk.SeverityC, impact: casedesk.Impact{UsersAffected: "several", Workaround: true}, weight: 2,
		note: "Crash is inside the third-party add-in DLL. Out of scope: referred to the vendor and the community forum.",
		text: map[string]loc{
			"en": {Title: "Third-party CRM add-in crashes the mail client",
				Desc: "Since we installed our CRM vendor's add-in, the desktop mail client closes when users open a calendar item. With the add-in disabled there are no crashes.",
				Fix:  "The crash happens inside the third-party add-in (the crash report names its DLL), so the fix has to come from the add-in's vendor. Please contact them with the crash details; meanwhile you can disable the add-in for the affected users. The community forum also has a thread about this add-in version."},
			"de": {Title: "CRM-Add-In eines Drittanbieters bringt den Mail-Client zum Absturz",
				Desc: "Seit der Installation des Add-Ins unseres CRM-Anbieters schließt sich der Desktop-Mail-Client, sobald Benutzer einen Kalendereintrag öffnen. Ohne das Add-In gibt es keine Abstürze.",
				Fix:  "Der Absturz tritt im Add-In des Drittanbieters auf (der Absturzbericht nennt dessen DLL); die Lösung muss daher vom Hersteller kommen. Bitte wenden Sie sich mit den Absturzdetails an ihn; bis dahin können Sie das Add-In für die betroffenen Benutzer deaktivieren."},
		}},
	{key: "invoice", cat: casedesk.CategoryBilling, product: "admin", sev: casedesk.SeverityC, impact: single, weight: 4,
		note: "Billing ledger confirms the seat reduction effective next period; no credit due.",
		text: map[string]loc{
			"en": {Title: "Invoice shows more licenses than we have assigned",
				Desc: "Our latest invoice charges for 15 more licenses than we have assigned in the admin center. Can you explain the difference and correct the invoice if needed?",
				Ask:  "Could you send the invoice number and tell us whether licenses were removed during the billing period?",
				Info: "Invoice INV-24-118734. We removed 15 licenses on the 12th when a project ended.",
				Fix:  "You are billed for purchased licenses, not for assigned ones. The 15 licenses were removed on the 12th, after the renewal on the 1st, so they are charged until the end of this billing period; the next invoice no longer includes them."},
			"de": {Title: "Rechnung weist mehr Lizenzen aus als zugewiesen",
				Desc: "Unsere letzte Rechnung berechnet 15 Lizenzen mehr, als im Admin Center zugewiesen sind. Können Sie den Unterschied erklären und die Rechnung gegebenenfalls korrigieren?",
				Info: "Rechnung INV-24-118734. Wir haben am 12. nach Projektende 15 Lizenzen entfernt.",
				Fix:  "Berechnet werden gekaufte, nicht zugewiesene Lizenzen. Die 15 Lizenzen wurden am 12. entfernt, also nach der Verlängerung am 1.; sie werden bis zum Ende dieses Abrechnungszeitraums berechnet. Ab der nächsten Rechnung sind sie nicht mehr enthalten."},
			"zh-CN": {Title: "发票上的许可证数量多于已分配数量",
				Desc: "最新发票比管理中心中已分配的许可证多收了 15 个许可证的费用。请解释差异，如有必要请更正发票。",
				Fix:  "计费依据的是已购买的许可证，而不是已分配的许可证。这 15 个许可证是在 1 日续订之后的 12 日删除的，因此会计费到本计费周期结束；下一张发票将不再包含它们。"},
			"ja": {Title: "請求書のライセンス数が割り当て数より多い",
				Desc: "最新の請求書で、管理センターで割り当てている数より 15 ライセンス多く請求されています。差異の理由を説明いただき、必要であれば請求書を訂正してください。",
				Fix:  "請求は割り当て済みではなく購入済みのライセンス数に基づきます。15 ライセンスは 1 日の更新後、12 日に削除されたため、今回の請求期間の終了までは請求対象となります。次回の請求書には含まれません。"},
		}},
	{key: "add-licenses", cat: casedesk.CategoryBilling, product: "admin", sev: casedesk.SeverityC, impact: casedesk.Impact{Workaround: true}, weight: 4,
		text: map[string]loc{
			"en": {Title: "Add 25 licenses for new hires",
				Desc: "We are onboarding 25 new employees on the 1st of next month. Please add 25 licenses to our subscription, or tell us how to do it ourselves, and confirm the prorated cost.",
				Fix:  "A billing admin can add licenses in Billing > Your products > the subscription > Buy licenses; they are available immediately and charged prorated for the rest of the term. As you confirmed, I have added the 25 licenses; the prorated amount appears on your next invoice."},
			"de": {Title: "25 zusätzliche Lizenzen für neue Mitarbeitende",
				Desc: "Zum Ersten des nächsten Monats beginnen 25 neue Mitarbeitende. Bitte fügen Sie unserem Abonnement 25 Lizenzen hinzu oder erklären Sie uns, wie wir das selbst tun können, und bestätigen Sie die anteiligen Kosten.",
				Fix:  "Eine Abrechnungsadministratorin kann unter Abrechnung > Ihre Produkte > Abonnement > Lizenzen kaufen weitere Lizenzen hinzufügen; sie stehen sofort zur Verfügung und werden anteilig berechnet. Wie besprochen habe ich die 25 Lizenzen hinzugefügt; der anteilige Betrag erscheint auf Ihrer nächsten Rechnung."},
			"zh-CN": {Title: "为新员工增加 25 个许可证",
				Desc: "下个月 1 日将有 25 名新员工入职。请为我们的订阅增加 25 个许可证，或告诉我们如何自行操作，并确认按比例计算的费用。",
				Fix:  "计费管理员可以在“计费 > 您的产品 > 订阅 > 购买许可证”中增加许可证，许可证立即可用，并按剩余期限按比例计费。根据您的确认，我已增加了 25 个许可证，按比例计算的金额将显示在下一张发票上。"},
			"ja": {Title: "新入社員用に 25 ライセンスを追加したい",
				Desc: "来月 1 日に 25 名の新入社員が入社します。サブスクリプションに 25 ライセンスを追加するか、自分たちで追加する方法を教えてください。日割りの費用も確認させてください。",
				Fix:  "課金管理者は [課金] > [お使いの製品] > 対象サブスクリプション > [ライセンスの購入] からライセンスを追加できます。追加したライセンスはすぐに利用でき、残りの期間分が日割りで請求されます。ご確認いただいたとおり 25 ライセンスを追加しました。日割り金額は次回の請求書に記載されます。"},
		}},
	{key: "payment-method", cat: casedesk.CategoryBilling, product: "admin", sev: casedesk.SeverityC, impact: casedesk.Impact{Workaround: true}, weight: 2,
		text: map[string]loc{
			"en": {Title: "Change the payment method before renewal",
				Desc: "Our subscription renews at the end of the month. We want to switch from credit card to payment by invoice (bank transfer) before the renewal. What do we need to provide?",
				Fix:  "Payment by invoice is available for your subscription. Your billing admin can switch in Billing > Payment methods > Pay by invoice once the company's billing address and tax ID are verified. I have verified both, so the renewal on the 30th will be invoiced with 30-day payment terms."},
			"de": {Title: "Zahlungsmethode vor der Verlängerung ändern",
				Desc: "Unser Abonnement verlängert sich Ende des Monats. Wir möchten vorher von Kreditkarte auf Zahlung per Rechnung (Überweisung) umstellen. Was benötigen Sie dafür?",
				Fix:  "Zahlung per Rechnung ist für Ihr Abonnement möglich. Ihre Abrechnungsadministratorin kann unter Abrechnung > Zahlungsmethoden > Per Rechnung zahlen umstellen, sobald Rechnungsadresse und USt-IdNr. geprüft sind. Beides habe ich geprüft; die Verlängerung am 30. wird mit 30 Tagen Zahlungsziel in Rechnung gestellt."},
			"zh-CN": {Title: "续订前更改付款方式",
				Desc: "我们的订阅将在月底续订。我们希望在续订前将付款方式从信用卡改为发票付款（银行转账）。需要提供哪些资料？",
				Fix:  "您的订阅支持发票付款。在核实公司账单地址和税号后，计费管理员可以在“计费 > 付款方式 > 通过发票付款”中切换。我已完成核实，30 日的续订将按 30 天付款期限开具发票。"},
			"ja": {Title: "更新前に支払い方法を変更したい",
				Desc: "サブスクリプションが月末に更新されます。更新前に、クレジット カードから請求書払い（銀行振込）に変更したいと考えています。何を提出すればよいでしょうか。",
				Fix:  "お客様のサブスクリプションは請求書払いに対応しています。請求先住所と法人番号の確認後、課金管理者が [課金] > [支払い方法] > [請求書で支払う] から切り替えられます。確認は完了していますので、30 日の更新分は支払期限 30 日の請求書でお送りします。"},
		}},
	{key: "remove-licenses", cat: casedesk.CategoryBilling, product: "admin", sev: casedesk.SeverityC, impact: casedesk.Impact{Workaround: true}, weight: 2,
		text: map[string]loc{
			"en": {Title: "Remove licenses after closing a branch office",
				Desc: "After closing one of our branch offices we have 40 licenses we no longer need. Can we reduce the subscription now, and will we get a credit?",
				Fix:  "Licenses can be removed at any time in Billing > Your products > Remove licenses. Within 7 days of a purchase or renewal you receive a prorated credit; after that the reduction takes effect at the next renewal. Your renewal was three weeks ago, so the 40 licenses drop off at the next renewal and you can keep using them until then."},
			"de": {Title: "Lizenzen nach Schließung einer Niederlassung reduzieren",
				Desc: "Nach der Schließung einer Niederlassung haben wir 40 Lizenzen, die wir nicht mehr benötigen. Können wir das Abonnement jetzt reduzieren, und erhalten wir eine Gutschrift?",
				Fix:  "Lizenzen lassen sich jederzeit unter Abrechnung > Ihre Produkte > Lizenzen entfernen reduzieren. Innerhalb von 7 Tagen nach Kauf oder Verlängerung erhalten Sie eine anteilige Gutschrift; danach wird die Reduzierung zur nächsten Verlängerung wirksam. Ihre Verlängerung war vor drei Wochen, daher entfallen die 40 Lizenzen zur nächsten Verlängerung."},
			"zh-CN": {Title: "关闭分支机构后减少许可证",
				Desc: "关闭一个分支机构后，我们有 40 个许可证不再需要。现在可以减少订阅数量吗？会获得退款吗？",
				Fix:  "您可以随时在“计费 > 您的产品 > 删除许可证”中减少许可证。购买或续订后 7 天内减少可获得按比例的退款；超过 7 天则在下次续订时生效。您的订阅已于三周前续订，因此这 40 个许可证将在下次续订时取消，在此之前仍可继续使用。"},
			"ja": {Title: "支社閉鎖に伴いライセンスを削減したい",
				Desc: "支社を 1 つ閉鎖したため、不要になったライセンスが 40 あります。今すぐサブスクリプションを減らせますか。返金はありますか。",
				Fix:  "ライセンスは [課金] > [お使いの製品] > [ライセンスの削除] からいつでも削減できます。購入または更新から 7 日以内であれば日割りで返金されますが、それ以降は次回の更新時に反映されます。更新から 3 週間経過しているため、40 ライセンスは次回の更新時に削減され、それまではご利用いただけます。"},
		}},
	{key: "trial-conversion", cat: casedesk.CategoryBilling, product: "admin", sev: casedesk.SeverityC, impact: casedesk.Impact{Workaround: true, Deadline: "trial ends this month"}, weight: 8, trial: true,
		note: "Trial converted to paid in the billing system: 25 seats, annual commitment.",
		text: map[string]loc{
			"en": {Title: "Convert our trial to a paid subscription",
				Desc: "Our 30-day trial of the Business plan ends soon and we would like to keep everything we have set up. How do we convert the trial to a paid subscription for 25 users, and will our data and settings be kept?",
				Fix:  "You can convert at any time before the trial ends: Billing > Your products > the trial subscription > Buy. Everything you configured (users, mailboxes, sites) stays as it is. As agreed, I have converted the subscription to 25 paid licenses on an annual commitment; the first invoice follows within 48 hours."},
		}},
	{key: "trial-extension", cat: casedesk.CategoryBilling, product: "admin", sev: casedesk.SeverityC, impact: casedesk.Impact{Workaround: true}, weight: 4, trial: true,
		text: map[string]loc{
			"en": {Title: "Can we extend our trial by two weeks?",
				Desc: "We are still testing the migration of our mailboxes and will not finish before the trial ends. Is it possible to extend the trial by 14 days?",
				Fix:  "I have extended your trial once by 30 days, the most we can offer; the new end date is shown in Billing > Your products. Data is kept for 30 days after a trial expires, so nothing is lost if you convert shortly afterwards."},
		}},
	{key: "plan-comparison", cat: casedesk.CategoryPresales, sev: casedesk.SeverityC, impact: casedesk.Impact{Workaround: true}, weight: 2,
		text: map[string]loc{
			"en": {Title: "Business Premium or E3 when we grow beyond 300 users?",
				Desc: "We will grow beyond 300 users next year. Should we move to E3, and what changes for support? Can we move without losing data?",
				Fix:  "Business plans are limited to 300 users, so with your growth E3 is the right choice. Support changes too: Enterprise plans include 24/7 support for every severity, with a next-day response target for severity B. You move by buying E3 licenses and reassigning them; mailboxes, sites and settings are kept. Our licensing team will send you a quote."},
			"de": {Title: "Business Premium oder E3 bei mehr als 300 Benutzern?",
				Desc: "Wir werden im nächsten Jahr mehr als 300 Benutzer haben. Sollten wir auf E3 wechseln, und was ändert sich beim Support? Ist ein Wechsel ohne Datenverlust möglich?",
				Fix:  "Business-Pläne sind auf 300 Benutzer begrenzt, daher ist E3 bei Ihrem Wachstum die richtige Wahl. Auch der Support ändert sich: Enterprise-Pläne bieten 24/7-Support für alle Schweregrade, bei Schweregrad B mit Reaktion bis zum nächsten Tag. Für den Wechsel kaufen Sie E3-Lizenzen und weisen sie neu zu; Postfächer, Seiten und Einstellungen bleiben erhalten. Unser Lizenzteam sendet Ihnen ein Angebot."},
		}},
	{key: "elevated-support", cat: casedesk.CategoryPresales, sev: casedesk.SeverityC, impact: casedesk.Impact{Workaround: true}, weight: 2,
		text: map[string]loc{
			"en": {Title: "What does the elevated support add-on include?",
				Desc: "We had two critical incidents this quarter. What does the elevated support add-on include, what are the response times, and can we add it to our subscription mid-term?",
				Fix:  "Elevated support brings 24/7 initial-response targets of 1 hour for severity A, 2 hours for B and 4 hours for C, lets your admins set the severity themselves, and includes a technical account manager, service-update management and advisory help from senior engineers. It can be added at any time, prorated to your renewal date. Our sales team will contact you with a quote."},
			"ja": {Title: "エレベーテッド サポート アドオンの内容を知りたい",
				Desc: "今四半期に重大な障害が 2 回発生しました。エレベーテッド サポート アドオンには何が含まれ、応答時間はどのくらいでしょうか。契約期間の途中で追加できますか。",
				Fix:  "エレベーテッド サポートでは、24 時間 365 日、重大度 A は 1 時間、B は 2 時間、C は 4 時間以内の初回応答を目標とし、重大度をお客様の管理者ご自身で設定できます。また、テクニカル アカウント マネージャー、サービス更新の管理、シニア エンジニアによるアドバイザリー支援が含まれます。契約期間中いつでも追加でき、更新日までの日割りで請求されます。営業担当からお見積もりをお送りします。"},
		}},
}

// phrases are the generic lines of a conversation in one language.
type phrases struct {
	greet      string // %s: the customer's name
	sign       string // %s: the engineer's name
	ack        string // %s: the request number
	ask        string
	info       string // %s: an affected user
	progress   string
	followUp   string
	thanks     string
	reopen     string
	agentClose string
	phoneLog   string // %s: the caller
	phoneOpen  string // the description of a request logged from a call: %s the caller, %s what they said
	linked     string // %s: the old request's number
	attached   string // a customer's note that they attached a file
}

var lang = map[string]*phrases{
	"en": {
		greet: "Hello %s,", sign: "Best regards,\n%s\nContoso Cloud Support",
		ack:        "Thank you for contacting Contoso Cloud Support. I have taken ownership of request %s and I am looking into it now.",
		ask:        "To narrow this down, could you send us the exact error message, the time it first happened (with time zone) and two or three affected user names?",
		info:       "Here are the details you asked for: it started yesterday at about 9:15 our time and affects, among others, %s.",
		progress:   "A quick update: we have reproduced the behaviour and are working on it with the service engineering team. I will update you again by the end of the day.",
		followUp:   "Is there any update on this? Our users are still affected.",
		thanks:     "Thank you, that solved it. You can close the request.",
		reopen:     "Unfortunately the problem is back since this morning. Could you please take another look?",
		agentClose: "As we have not heard back from you, I am closing this request. If the issue comes back within 14 days you can reopen it; after that, please open a new request and mention this number.",
		phoneLog:   "Phone call with %s: confirmed the impact and went through the next steps together. A summary follows by email.",
		phoneOpen:  "Logged from a phone call with %s.\n\n%s",
		linked:     "This looks like the same problem as request %s, which was closed too long ago to be reopened.",
		attached:   "I have attached the file.",
	},
	"de": {
		greet: "Guten Tag %s,", sign: "Mit freundlichen Grüßen\n%s\nContoso Cloud Support",
		ack:        "vielen Dank für Ihre Anfrage an den Contoso Cloud Support. Ich habe die Anfrage %s übernommen und sehe sie mir jetzt an.",
		ask:        "Damit wir das Problem eingrenzen können: Bitte senden Sie uns die genaue Fehlermeldung, den Zeitpunkt des ersten Auftretens (mit Zeitzone) sowie zwei oder drei betroffene Benutzer.",
		info:       "Hier die gewünschten Angaben: Das Problem tritt seit gestern gegen 9:15 Uhr auf und betrifft unter anderem %s.",
		progress:   "Kurzes Update: Wir konnten das Verhalten nachstellen und arbeiten mit dem Engineering-Team an einer Lösung. Ich melde mich spätestens heute Abend wieder.",
		followUp:   "Gibt es hierzu einen neuen Stand? Unsere Benutzer sind weiterhin betroffen.",
		thanks:     "Vielen Dank, das hat das Problem gelöst. Die Anfrage kann geschlossen werden.",
		reopen:     "Leider ist das Problem seit heute Morgen wieder da. Könnten Sie sich das bitte noch einmal ansehen?",
		agentClose: "Da wir keine Rückmeldung erhalten haben, schließe ich diese Anfrage. Tritt das Problem innerhalb von 14 Tagen erneut auf, können Sie die Anfrage wieder öffnen; danach eröffnen Sie bitte eine neue Anfrage mit Verweis auf diese Nummer.",
		phoneLog:   "Telefonat mit %s: Auswirkungen bestätigt und die nächsten Schritte gemeinsam besprochen. Eine Zusammenfassung folgt per E-Mail.",
		phoneOpen:  "Aufgenommen aus einem Telefonat mit %s.\n\n%s",
		linked:     "Das scheint dasselbe Problem wie in Anfrage %s zu sein, die schon zu lange geschlossen ist, um sie wieder zu öffnen.",
		attached:   "Die Datei habe ich angehängt.",
	},
	"zh-CN": {
		greet: "%s，您好：", sign: "此致\n%s\nContoso Cloud 技术支持",
		ack:        "感谢您联系 Contoso Cloud 技术支持。我已接手服务请求 %s，正在进行排查。",
		ask:        "为了进一步定位问题，请提供完整的错误信息、问题首次出现的时间（含时区）以及两到三个受影响的用户名。",
		info:       "以下是您需要的信息：问题从昨天上午 9:15 左右开始出现，受影响的用户包括 %s 等。",
		progress:   "进展更新：我们已经复现了该问题，正在与服务工程团队一起处理。今天下班前我会再次向您更新进展。",
		followUp:   "请问这个问题有进展吗？我们的用户仍然受到影响。",
		thanks:     "谢谢，问题已经解决了。可以关闭这个请求。",
		reopen:     "很抱歉，从今天早上开始问题又出现了，请再帮忙看一下。",
		agentClose: "由于一直未收到您的回复，我将关闭此请求。如果问题在 14 天内再次出现，您可以重新打开此请求；超过 14 天后，请新建请求并注明此编号。",
		phoneLog:   "已与%s通话：确认了影响范围并沟通了后续步骤，稍后将通过邮件发送总结。",
		phoneOpen:  "根据与%s的电话记录创建。\n\n%s",
		linked:     "这与请求 %s 的问题相同，但该请求关闭已超过期限，无法重新打开。",
		attached:   "相关文件已附上。",
	},
	"ja": {
		greet: "%s 様", sign: "よろしくお願いいたします。\n%s\nContoso Cloud サポート",
		ack:        "Contoso Cloud サポートへお問い合わせいただきありがとうございます。サービス リクエスト %s を担当いたします。現在調査を進めております。",
		ask:        "問題を切り分けるため、表示されるエラー メッセージの全文、最初に発生した日時（タイム ゾーンを含む）、影響を受けているユーザーを 2～3 名お知らせください。",
		info:       "ご依頼の情報です。昨日の 9:15 頃から発生しており、%s さんなどが影響を受けています。",
		progress:   "進捗のご報告です。事象を再現できましたので、サービス エンジニアリング チームと連携して対応しております。本日中に改めてご連絡いたします。",
		followUp:   "その後の状況はいかがでしょうか。現在もユーザーに影響が出ています。",
		thanks:     "ありがとうございます。問題は解決しました。リクエストをクローズしていただいて構いません。",
		reopen:     "申し訳ありませんが、今朝から同じ問題が再発しています。もう一度ご確認いただけますでしょうか。",
		agentClose: "ご返信をいただけていないため、本リクエストをクローズいたします。14 日以内に問題が再発した場合はリクエストを再オープンできます。それ以降は、本番号を記載のうえ新しいリクエストを作成してください。",
		phoneLog:   "%s 様とお電話でお話ししました。影響範囲を確認し、今後の対応についてご説明しました。概要はメールでお送りします。",
		phoneOpen:  "%s 様からのお電話の内容を記録しました。\n\n%s",
		linked:     "リクエスト %s と同じ問題のようですが、クローズから期間が経過しているため再オープンできません。",
		attached:   "ファイルを添付しました。",
	},
}

// notes are the engineers' generic internal notes.
var notes = []string{
	"Checked service health: no active incident for this tenant or region.",
	"Impact confirmed with the customer; severity matches the definitions.",
	"Reproduced in the lab tenant. Waiting for the customer's details before escalating.",
	"Asked a senior engineer for a second look; nothing needed from the customer yet.",
	"Customer prefers email updates; contact details verified against the admin list.",
	"Similar cases this week point to the same cause; linked them in the weekly review.",
}

// text returns the topic's text in language l, falling back to English.
func (t *topic) textIn(l string) (loc, string) {
	if x, ok := t.text[l]; ok {
		return x, l
	}
	return t.text["en"], "en"
}

// greeting wraps an engineer's reply in a greeting and a signature.
func (p *phrases) letter(customer, agent, body string) string {
	return fmt.Sprintf(p.greet, customer) + "\n\n" + body + "\n\n" + fmt.Sprintf(p.sign, agent)
}
