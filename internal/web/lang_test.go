package web

import "testing"

func TestTextLang(t *testing.T) {
	for _, c := range []struct{ text, hint, want string }{
		{"", "", ""},
		{"12345 · 2026-11-02", "en", ""},
		{"Mail is not arriving", "", "en"},
		{"Mail is not arriving", "en", "en"},
		{"Mail kommt nicht an", "de", "de"},
		{"Mail is not arriving", "zh-CN", "en"}, // the script disagrees with the hint
		{"邮件无法发送", "", "zh"},
		{"邮件无法发送", "zh-CN", "zh-CN"},
		{"邮件无法发送", "en", "zh"},
		{"Outlook 无法发送邮件", "", "zh"},               // a product name in a Chinese sentence
		{"Please check the 邮件 settings", "", "en"}, // a Chinese word in an English one
		{"祝日のメール障害", "", "ja"},
		{"メールが届きません。", "zh-CN", "ja"}, // kana: Japanese whatever the hint
		{"東京本社", "", "zh"},            // Han alone is Chinese…
		{"東京本社", "ja", "ja"},          // …unless the request says Japanese
		{"東京本社", "ko", "ko"},
		{"메일이 도착하지 않습니다", "", "ko"},
		{"메일이 도착하지 않습니다", "ja", "ko"},
		{"Почта не приходит", "", "ru"},
		{"Пошта не надходить", "uk", "uk"},
		{"Ο διακομιστής δεν απαντά", "", "el"},
		{"Straße gesperrt", "de-AT", "de-AT"},
	} {
		if got := textLang(c.text, c.hint); got != c.want {
			t.Errorf("textLang(%q, %q) = %q, want %q", c.text, c.hint, got, c.want)
		}
	}
}

func TestLangOf(t *testing.T) {
	for _, c := range []struct{ page, text, hint, want string }{
		{"en", "Mail is not arriving", "en", ""},
		{"en", "Mail is not arriving", "zh-CN", ""},
		{"en", "邮件无法发送", "zh-CN", "zh-CN"},
		{"en", "邮件无法发送", "", "zh"},
		{"en", "祝日のメール障害", "ja", "ja"},
		{"zh-CN", "邮件无法发送", "zh-CN", ""},
		{"zh-CN", "邮件无法发送", "", ""}, // "zh" agrees with the page's zh-CN
		{"zh-CN", "邮件无法发送", "zh-TW", "zh-TW"},
		{"zh-CN", "One more thing.", "zh-CN", "en"},
		{"zh-CN", "祝日のメール障害", "", "ja"},
		{"zh-CN", "2026", "", ""},
	} {
		if got := langOf(c.page, c.text, c.hint); got != c.want {
			t.Errorf("langOf(%q, %q, %q) = %q, want %q", c.page, c.text, c.hint, got, c.want)
		}
	}
}
