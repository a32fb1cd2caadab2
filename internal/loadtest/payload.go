package loadtest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/casedesk/casedesk/client"
)

// Vocabulary for plausible service requests about a hosted mail product.
var (
	firstNames = []string{"Anna", "Ben", "Chiara", "David", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Keiko", "Lars", "Maya", "Nils", "Olga", "Pavel"}
	domains    = []string{"example.com", "example.org", "acme.example", "northwind.example", "contoso.example", "globex.example"}
	clients    = []string{"Outlook", "Thunderbird", "Apple Mail", "the webmail", "the iOS Mail app", "the Android app"}
	mailErrors = []string{
		"550 5.7.1 relaying denied", "554 5.7.1 message rejected as spam", "452 4.2.2 mailbox full",
		"535 5.7.8 authentication failed", "connection timed out", "certificate verify failed",
	}

	technicalTitles = []func(r *rand.Rand) string{
		func(r *rand.Rand) string { return "Cannot send mail from " + pick(r, clients) },
		func(r *rand.Rand) string { return "Mails to " + pick(r, domains) + " bounce" },
		func(r *rand.Rand) string { return "Mailbox of " + pick(r, firstNames) + " is over quota" },
		func(r *rand.Rand) string { return pick(r, clients) + " keeps asking for the password" },
		func(r *rand.Rand) string { return "Incoming mail delayed by several hours" },
		func(r *rand.Rand) string { return "Shared calendar not visible for " + pick(r, firstNames) },
		func(r *rand.Rand) string { return "Spam filter quarantines invoices from " + pick(r, domains) },
		func(r *rand.Rand) string { return "Error \"" + pick(r, mailErrors) + "\" when sending" },
		func(r *rand.Rand) string {
			return "Distribution list " + pickLower(r, firstNames) + "-team@ stopped working"
		},
	}
	presalesTitles = []func(r *rand.Rand) string{
		func(r *rand.Rand) string { return fmt.Sprintf("Quote for %d additional mailboxes", 5*(1+r.IntN(40))) },
		func(r *rand.Rand) string { return "Question about migrating from on-premises Exchange" },
		func(r *rand.Rand) string { return "Do you offer archiving with 10 year retention?" },
		func(r *rand.Rand) string { return "Upgrade to the business plan" },
	}
	billingTitles = []func(r *rand.Rand) string{
		func(r *rand.Rand) string {
			return fmt.Sprintf("Invoice %d shows the wrong number of seats", 100000+r.IntN(900000))
		},
		func(r *rand.Rand) string { return "Please change our billing address" },
		func(r *rand.Rand) string { return "Charged twice this month" },
		func(r *rand.Rand) string { return "Need a VAT ID on our invoices" },
	}

	openers = []string{
		"Hello,", "Hi team,", "Good morning,", "Dear support,", "",
	}
	technicalSentences = []func(r *rand.Rand) string{
		func(r *rand.Rand) string {
			return "Since this morning " + pick(r, firstNames) + " cannot send any messages."
		},
		func(r *rand.Rand) string { return "The error we get is: " + pick(r, mailErrors) + "." },
		func(r *rand.Rand) string {
			return "It happens with " + pick(r, clients) + " but not with " + pick(r, clients) + "."
		},
		func(r *rand.Rand) string { return "We did not change anything in our DNS settings." },
		func(r *rand.Rand) string { return fmt.Sprintf("About %d colleagues are affected.", 1+r.IntN(60)) },
		func(r *rand.Rand) string { return "Restarting the client and re-entering the password did not help." },
		func(r *rand.Rand) string {
			return "Messages from " + pick(r, domains) + " arrive hours late or not at all."
		},
		func(r *rand.Rand) string { return "Could you please check the server logs for our domain?" },
	}
	commercialSentences = []func(r *rand.Rand) string{
		func(r *rand.Rand) string {
			return fmt.Sprintf("We are a team of %d people and growing.", 5+r.IntN(200))
		},
		func(r *rand.Rand) string {
			return "Our contract number is " + fmt.Sprintf("K-%06d", r.IntN(1000000)) + "."
		},
		func(r *rand.Rand) string { return "Please get back to me by email." },
		func(r *rand.Rand) string { return "Our finance department needs this before the end of the month." },
		func(r *rand.Rand) string { return "Can you send us an offer including the migration?" },
	}
	usersAffected = []string{"one", "several", "many"}
)

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

func pickLower(r *rand.Rand, s []string) string { return strings.ToLower(pick(r, s)) }

// randomRequest returns a plausible new request: 70% technical, 15%
// presales, 15% billing.
func randomRequest(r *rand.Rand) client.NewRequest {
	category, titles, sentences := client.CategoryTechnical, technicalTitles, technicalSentences
	switch x := r.IntN(100); {
	case x >= 85:
		category, titles, sentences = client.CategoryBilling, billingTitles, commercialSentences
	case x >= 70:
		category, titles, sentences = client.CategoryPresales, presalesTitles, commercialSentences
	}
	var d strings.Builder
	if o := pick(r, openers); o != "" {
		d.WriteString(o + "\n\n")
	}
	n := 2 + r.IntN(3)
	for i := range n {
		if i > 0 {
			d.WriteString(" ")
		}
		d.WriteString(sentences[r.IntN(len(sentences))](r))
	}
	d.WriteString("\n\nThanks,\n" + pick(r, firstNames))

	req := client.NewRequest{
		Category:          category,
		Product:           "mail",
		Title:             titles[r.IntN(len(titles))](r),
		Description:       d.String(),
		PreferredLanguage: "en",
		ContactMethod:     "email",
	}
	if category == client.CategoryTechnical {
		req.Impact = &client.Impact{
			ServiceUnreachable: r.IntN(5) == 0,
			UsersAffected:      pick(r, usersAffected),
			Workaround:         r.IntN(2) == 0,
		}
	} else {
		req.Impact = &client.Impact{UsersAffected: "one", Workaround: true}
	}
	return req
}
