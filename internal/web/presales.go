package web

import (
	"net/http"
	"strings"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
)

type presalesData struct {
	Phones []*store.SupportPhone
	Number string
}

var presalesFields = []string{"name", "company", "email", "country", "question", "plan_interest", "website"}

func (s *Server) presalesPage(w http.ResponseWriter, r *http.Request, p *page, status int) error {
	p.Title, p.Nav = p.T("presales.title"), "presales"
	phones, err := s.desk.SupportPhones(r.Context(), p.Form["country"], p.Lang, true)
	if err != nil {
		return err
	}
	p.Data = &presalesData{Phones: phones}
	return s.render(w, r, p, "presales", status)
}

func (s *Server) presalesForm(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Form = map[string]string{}
	return s.presalesPage(w, r, p, http.StatusOK)
}

// presales files an anonymous prospect's question. The hidden "website"
// field is a honeypot: desk refuses forms where it is filled in.
func (s *Server) presales(w http.ResponseWriter, r *http.Request, p *page) error {
	f := map[string]string{}
	for _, k := range presalesFields {
		f[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	f["country"] = strings.ToUpper(f["country"])
	p.Form = f
	req, err := s.desk.SubmitPresales(r.Context(), p.Actor, desk.Prospect{Name: f["name"], Company: f["company"], Email: f["email"],
		Country: f["country"], Question: f["question"], PlanInterest: f["plan_interest"], Language: p.Lang, Website: f["website"]})
	if err != nil {
		switch casedesk.ErrorCode(err) {
		case casedesk.EINVALID:
			p.formError(err)
			return s.presalesPage(w, r, p, http.StatusBadRequest)
		case casedesk.ERATELIMIT:
			p.Error = p.errorMessage(err)
			return s.presalesPage(w, r, p, http.StatusTooManyRequests)
		}
		return err
	}
	http.Redirect(w, r, "/presales/sent?number="+req.Number, http.StatusSeeOther)
	return nil
}

func (s *Server) presalesSent(w http.ResponseWriter, r *http.Request, p *page) error {
	p.Title, p.Nav = p.T("presales.sent.title"), "presales"
	number := r.URL.Query().Get("number")
	if _, ok := casedesk.ParseRequestNumber(number); !ok {
		number = ""
	}
	phones, err := s.desk.SupportPhones(r.Context(), "", p.Lang, true)
	if err != nil {
		return err
	}
	p.Data = &presalesData{Phones: phones, Number: number}
	return s.render(w, r, p, "presales_sent", http.StatusOK)
}
