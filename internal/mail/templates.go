package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/masthead-press/masthead/internal/store"
)

//go:embed templates
var templateFS embed.FS

// Templates renders messages. Each message NAME has templates/NAME.txt,
// whose "subject" block is the subject line and whose body is the text
// part, and templates/NAME.html, executed inside layout.html.
type Templates struct {
	text map[string]*texttemplate.Template
	html map[string]*htmltemplate.Template
}

// LoadTemplates parses every message template.
func LoadTemplates() (*Templates, error) {
	t := &Templates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		return nil, fmt.Errorf("read mail templates: %w", err)
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".txt")
		if !ok {
			continue
		}
		tt, err := texttemplate.ParseFS(templateFS, "templates/"+name+".txt")
		if err != nil {
			return nil, fmt.Errorf("parse mail template %s.txt: %w", name, err)
		}
		if tt.Lookup("subject") == nil {
			return nil, fmt.Errorf("mail template %s.txt has no subject block", name)
		}
		t.text[name] = tt
		if ht, err := htmltemplate.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"); err == nil {
			t.html[name] = ht
		}
	}
	return t, nil
}

// Render makes a message to to from template name and data.
func (t *Templates) Render(name, to string, data any) (store.Mail, error) {
	tt, ok := t.text[name]
	if !ok {
		return store.Mail{}, fmt.Errorf("no mail template %q", name)
	}
	var subject, text, html bytes.Buffer
	if err := tt.ExecuteTemplate(&subject, "subject", data); err != nil {
		return store.Mail{}, fmt.Errorf("mail %s subject: %w", name, err)
	}
	if err := tt.Execute(&text, data); err != nil {
		return store.Mail{}, fmt.Errorf("mail %s text: %w", name, err)
	}
	if ht, ok := t.html[name]; ok {
		if err := ht.ExecuteTemplate(&html, "layout", data); err != nil {
			return store.Mail{}, fmt.Errorf("mail %s html: %w", name, err)
		}
	}
	return store.Mail{
		Kind:    name,
		To:      to,
		Subject: strings.Join(strings.Fields(subject.String()), " "),
		Text:    strings.TrimSpace(text.String()) + "\n",
		HTML:    html.String(),
	}, nil
}
