package web

import (
	"strings"
	"unicode"
)

// script is a writing system, as far as telling the language of customer
// text needs one.
type script int

const (
	scriptNone script = iota
	scriptLatin
	scriptHan
	scriptKana // Hiragana and Katakana
	scriptHangul
	scriptCyrillic
	scriptGreek
	scriptArabic
	scriptHebrew
	scriptThai
)

// scriptLanguage is the language a script's text is taken to be in when
// nothing better is known: Han alone is Chinese, any kana makes it Japanese.
var scriptLanguage = map[script]string{
	scriptLatin: "en", scriptHan: "zh", scriptKana: "ja", scriptHangul: "ko",
	scriptCyrillic: "ru", scriptGreek: "el", scriptArabic: "ar", scriptHebrew: "he", scriptThai: "th",
}

// textLang returns the BCP 47 tag of the language text is written in, for a
// lang attribute: hint (the request's preferred language) when the text's
// script is one hint is written in, otherwise the likeliest language of its
// script; "" when the text has no letters. The script is the majority of
// the text's units, a unit being a Han, kana or Hangul character or a word
// of an alphabetic script, so that a product name in a Chinese sentence
// ("Outlook 无法发送邮件") leaves it Chinese. Han text with any kana is
// Japanese.
func textLang(text, hint string) string {
	counts := map[script]int{}
	prev := scriptNone
	for _, r := range text {
		s := runeScript(r)
		switch s {
		case scriptNone:
		case scriptHan, scriptKana, scriptHangul, scriptThai:
			counts[s]++
		default:
			if s != prev { // a word of an alphabetic script counts once
				counts[s]++
			}
		}
		prev = s
	}
	cjk := counts[scriptHan] + counts[scriptKana]
	best, n := scriptNone, 0
	for _, s := range []script{scriptLatin, scriptHangul, scriptCyrillic, scriptGreek, scriptArabic, scriptHebrew, scriptThai} {
		if counts[s] > n {
			best, n = s, counts[s]
		}
	}
	if cjk > n {
		best = scriptHan
		if counts[scriptKana] > 0 {
			best = scriptKana
		}
	}
	if best == scriptNone {
		return ""
	}
	if hint != "" && writes(hint, best) {
		return hint
	}
	return scriptLanguage[best]
}

// writes reports whether the language tag lang is written in script s.
func writes(lang string, s script) bool {
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	switch primary {
	case "zh":
		return s == scriptHan
	case "ja":
		return s == scriptHan || s == scriptKana
	case "ko":
		return s == scriptHangul || s == scriptHan
	case "ru", "uk", "be", "bg", "mk", "sr", "kk", "mn":
		return s == scriptCyrillic
	case "el":
		return s == scriptGreek
	case "ar", "fa", "ur":
		return s == scriptArabic
	case "he", "yi":
		return s == scriptHebrew
	case "th":
		return s == scriptThai
	}
	return s == scriptLatin
}

func runeScript(r rune) script {
	switch {
	case r < 0x80:
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return scriptLatin
		}
		return scriptNone
	case unicode.Is(unicode.Han, r):
		return scriptHan
	case unicode.In(r, unicode.Hiragana, unicode.Katakana):
		return scriptKana
	case unicode.Is(unicode.Hangul, r):
		return scriptHangul
	case unicode.Is(unicode.Latin, r):
		return scriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Greek, r):
		return scriptGreek
	case unicode.Is(unicode.Arabic, r):
		return scriptArabic
	case unicode.Is(unicode.Hebrew, r):
		return scriptHebrew
	case unicode.Is(unicode.Thai, r):
		return scriptThai
	}
	return scriptNone
}

// langOf returns the lang attribute customer text needs on a page in
// pageLang: its language (textLang) when that is not the page's, else "".
// A tag that only names the page's primary language ("zh" on a zh-CN page)
// agrees with it.
func langOf(pageLang, text string, hint ...string) string {
	h := ""
	if len(hint) > 0 {
		h = hint[0]
	}
	l := textLang(text, h)
	if l == "" || strings.EqualFold(l, pageLang) {
		return ""
	}
	primary, _, _ := strings.Cut(pageLang, "-")
	if strings.EqualFold(l, primary) {
		return ""
	}
	return l
}
