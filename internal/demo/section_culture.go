package demo

var culture = beat{
	slug: "culture", name: "Culture",
	description: "Books, stages, screens and galleries: criticism and reporting on the arts and the people who make them.",
	coverage:    "books, theater and the arts",
	tags: []string{"Books", "Theater", "Music", "Art", "Film", "Poetry", "Museums", "Television", "Dance",
		"Photography", "Criticism", "Festivals"},
	subjects: []string{
		"the city's oldest theater", "a new generation of novelists", "the museum's new director", "the orchestra",
		"independent bookshops", "the film festival", "a small press in {P}", "the poet laureate",
		"streaming services", "the arts council", "a touring company", "the opera house", "record collectors",
		"the library system", "a group of painters from {P}",
	},
	actions: []string{
		"revived a forgotten comic opera", "championed the first novel of a retired schoolteacher",
		"staged a little-known play", "rediscovered the work of a reclusive photographer",
		"reimagined the season's program", "commissioned a cycle of songs about the river",
		"turned down a large donation with strings attached",
		"quietly acquired the archive of a defunct literary magazine", "put the new wing on hold",
		"celebrated a new translation of an old epic", "made room for late-night screenings",
		"reissued a long-out-of-print novel", "brought back the summer reading series",
		"mounted a retrospective of regional landscape painting", "cut ticket prices for anyone under thirty",
	},
	objects: []string{
		"a forgotten comic opera", "the season's most ambitious program", "a retrospective of regional landscape painting",
		"the first novel of a retired schoolteacher", "the collection of a reclusive photographer",
		"the long-running reading series", "a new translation of an old epic", "a cycle of songs about the river",
		"the annual poetry prize", "a production of a little-known play",
		"the archive of a defunct literary magazine", "late-night screenings", "a series of commissioned murals",
	},
	facts: []string{
		"attendance at the museum has grown by {p} percent since {y}",
		"the festival sold {k} tickets in its first week",
		"the press publishes only {c} books a year",
		"the orchestra's endowment stands at about {z}",
		"{p} percent of the audience was under thirty",
		"the novel has been translated into {c} languages",
		"the library lent {k} books in {m} alone",
		"the theater has staged {n} productions since it opened",
		"the median income of working artists in {P} has fallen {p} percent since {y}",
	},
	consequences: []string{
		"a choice that delighted critics and puzzled donors", "a risk that paid off on opening night",
		"a decision that reshaped the season", "a bet on audiences that few institutions would make",
		"a move that started an argument in {P} that has not stopped",
	},
	quotes: []string{
		"Audiences are braver than programmers give them credit for.",
		"A book is a conversation that takes a year to start.",
		"We are not preserving the past. We are arguing with it.",
		"Nobody goes into poetry for the money, which is lucky.",
		"The best rehearsal is the one where something goes wrong.",
		"You can tell a city's mood by what its theaters dare to stage.",
		"Every archive is a stack of unfinished stories.",
		"I wanted to write the book I could not find in the library.",
	},
	roles: []string{
		"a novelist from {P}", "the museum's chief curator", "a theater director", "a critic", "a bookseller",
		"a cellist with the orchestra", "a literary translator", "a festival programmer", "a painter",
	},
	sources: []string{
		"the arts council's annual report", "box-office figures", "the publisher's sales data",
		"a survey of {n} working artists", "the museum's own visitor counts",
	},
	topics: []string{
		"the small press", "comic opera", "regional painting", "the literary prize", "the orchestra",
		"the bookshop", "late style", "the archive", "translation", "the summer festival", "the local stage",
		"the documentary", "the essay",
	},
	actors: []string{
		"novelists", "painters", "booksellers", "critics", "curators", "translators", "young composers", "actors",
	},
}
