package demo

import "math/rand/v2"

// A real archive's vocabulary is mostly rare words: thousands of names
// and places, each in a handful of articles, over a few hundred topic
// words that recur and a core of common ones. The phrase library alone
// would put nearly every word in nearly every article, which makes a
// search benchmark meaningless, so the prose also draws coined surnames,
// places and topic words with a Zipf-like spread: the first few are in
// many articles, the long tail in one or two.

// coined makes n distinct capitalized words from syllables, by counting
// in mixed radix: deterministic, no randomness.
func coined(n int, heads, mids, tails []string) []string {
	out := make([]string, 0, n)
	for i := 0; len(out) < n; i++ {
		h, m, t := i%len(heads), (i/len(heads))%len(mids), (i/len(heads)/len(mids))%len(tails)
		out = append(out, heads[h]+mids[m]+tails[t])
	}
	return out
}

var (
	coinedSurnames = coined(6000,
		[]string{"Al", "Bar", "Cor", "Dun", "El", "Fal", "Gar", "Hol", "Is", "Jor", "Kas", "Lor", "Mar", "Nor", "Or", "Pel",
			"Quen", "Ros", "Sal", "Tor", "Ul", "Val", "Wen", "Yor", "Zan", "Bre", "Cas", "Dra", "Fen", "Gil"},
		[]string{"a", "e", "i", "o", "u", "ba", "de", "ki", "mo", "ru", "sa", "ve", "ni", "lo", "ta"},
		[]string{"vić", "sen", "ez", "ley", "mann", "ova", "ard", "in", "ás", "berg", "ton", "ski", "elli", "ov", "er", "ström"})
	coinedPlaces = coined(2500,
		[]string{"Ash", "Bel", "Crag", "Dor", "East", "Fair", "Glen", "High", "Ire", "Kil", "Long", "Mill", "New", "Oak",
			"Pen", "Rook", "Stan", "Thorn", "Wick", "Yarn"},
		[]string{"", "a", "er", "in", "o", "en", "ley", "mar"},
		[]string{"ford", "ham", "wick", "mouth", "field", "bury", "ton", "vale", "more", "gate", "holm", "stead", "by", "cross", "dale", "ness"})
	// topicWords are the things articles are about, commonest first.
	topicWords = []string{
		"budget", "election", "housing", "tariffs", "pensions", "water", "rail", "schools", "hospitals", "wages",
		"drought", "ports", "bonds", "inflation", "courts", "police", "museums", "fisheries", "vaccines", "broadband",
		"bridges", "refugees", "forests", "mining", "copper", "lithium", "wheat", "coffee", "shipping", "insurance",
		"mortgages", "unions", "strikes", "censorship", "satellites", "reactors", "wind farms", "solar panels", "glaciers", "wildfires",
		"flooding", "ferries", "airports", "pipelines", "subsidies", "sanctions", "embassies", "treaties", "borders", "militias",
		"referendums", "coalitions", "lobbyists", "auditors", "regulators", "pharmacies", "orchestras", "libraries", "newspapers", "cinemas",
		"vineyards", "orchards", "salmon", "beekeeping", "textiles", "steelworks", "shipyards", "tramways", "canals", "reservoirs",
		"landfills", "recycling", "microchips", "algorithms", "encryption", "drones", "batteries", "hydrogen", "geothermal", "peat",
		"wetlands", "coral", "permafrost", "monsoon", "avalanches", "earthquakes", "tsunami", "cholera", "measles", "malaria",
		"obesity", "dementia", "midwives", "orphanages", "prisons", "parole", "juries", "extradition", "asylum", "citizenship",
		"quarantine", "rationing", "smuggling", "counterfeits", "cryptocurrency", "derivatives", "dividends", "buybacks", "audits", "bankruptcy",
		"royalties", "copyright", "patents", "trademarks", "folklore", "calligraphy", "sculpture", "ballet", "opera", "jazz",
		"puppetry", "tapestry", "pottery", "architecture", "typography", "cartography", "astronomy", "archaeology", "paleontology", "linguistics",
		"falconry", "saffron", "cardamom", "indigo", "tungsten", "cobalt", "graphite", "bauxite", "kelp", "krill",
		"lighthouses", "observatories", "monasteries", "catacombs", "aqueducts", "viaducts", "funiculars", "zeppelins", "hovercraft", "icebreakers",
	}
)

// vocabulary is the Zipf-distributed choice of coined words for one
// writer.
type vocabulary struct {
	surnames, places, topics *rand.Zipf
}

func newVocabulary(r *rand.Rand) vocabulary {
	return vocabulary{
		surnames: rand.NewZipf(r, 1.07, 2, uint64(len(coinedSurnames)-1)),
		places:   rand.NewZipf(r, 1.07, 2, uint64(len(coinedPlaces)-1)),
		topics:   rand.NewZipf(r, 1.1, 1, uint64(len(topicWords)-1)),
	}
}

// rareSentences mention a coined name, place or topic word: {L} is a
// topic word, {M} a coined surname with a first name, {H} a coined place.
var rareSentences = []string{
	"In {H}, the argument over {L} has drawn in {M}.",
	"{M}, who has spent years on {L}, said the figures from {H} were no surprise.",
	"The row over {L} began in {H}, where {M} first raised it.",
	"Few people in {H} talk about anything but {L} these days.",
	"A report by {M} on {L} is due {N}.",
	"{M} and {M} disagree about {L}, but both come from {H}.",
}
