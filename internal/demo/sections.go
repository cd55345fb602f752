package demo

// beat is a section with the words its articles are written from. Every
// phrase fits the slots of the shared templates in words.go: subjects take
// an action (a past-tense predicate), facts are present-tense clauses, topics read well in
// a headline once title-cased.
type beat struct {
	slug, name, description string
	coverage                string // what its writers cover, for bios
	tags                    []string
	subjects                []string
	actions                 []string
	objects                 []string
	facts                   []string
	consequences            []string
	quotes                  []string
	roles                   []string
	sources                 []string
	topics                  []string
	actors                  []string
	places                  []string // nil: the shared places
}

// beats are the six sections, in the order the site shows them.
var beats = []*beat{&politics, &finance, &foreignAffairs, &environment, &culture, &technology}
