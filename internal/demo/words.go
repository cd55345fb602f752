package demo

// The word lists every section shares. Templates use slots in braces,
// expanded by writer.expand:
//
//	{S} subject  {V} action  {O} object  {F} fact  {C} consequence  {Q} quote
//	{q} quote ending in a comma, before "said"
//	{R} speaker with role  {U} source  {P} place  {K} topic  {X} actors
//	{T} time, opening a sentence  {W} time, closing one  {N} future time
//	{p} percent  {d} decimal  {n} count  {k} thousands  {b} billions
//	{z} millions  {y} recent year  {m} month  {c} small number in words
//	{w} weather  {a} weekday; a ^ capitalizes the next letter. Author bios
//	add {A} name, {G} first name, {B} beat, {D} desk and {E} newspaper.

const magazineName = "The Causeway Review"

var sentences = []string{
	"{S} {V} {W}.",
	"{S} {V} {W}.",
	"{T}, {S} {V}.",
	"{T}, {S} {V}.",
	"{S} {V}, {C}.",
	"{S} {V}, {C}.",
	"Here is one measure of the change: {F}.",
	"According to {U}, {F}.",
	"According to {U}, {F}.",
	"The numbers are stark: {F}.",
	"“{q}” said {R}.",
	"“{q}” said {R}.",
	"{R}, put it more bluntly: “{Q}”",
	"Critics say {S} {V} too late; supporters reply that there was little choice.",
	"That matters because {F}.",
	"{S} {V}, and {S} {V}.",
	"Soon afterward, {S} {V}.",
	"It was not the first time. ^{T}, {S} {V}.",
	"By one estimate, {F}.",
	"When {S} {V}, {S} {V}.",
	"Even so, {F}.",
	"Meanwhile, {S} {V}.",
	"Ask around {P} and you hear the same thing: {F}.",
	"The official line is that {F}.",
	"One reason is simple: {F}.",
	"Both sides agree on one thing: {F}.",
}

// asides are short sentences that vary the rhythm of a paragraph.
var asides = []string{
	"Not everyone is convinced.",
	"It is a familiar pattern.",
	"The timing is not accidental.",
	"That may be changing.",
	"The details matter.",
	"Nobody pretends this will be easy.",
	"Few saw it coming.",
	"The effects were felt at once.",
}

var ledes = []string{
	"On a {w} {a} morning in {P}, {S} {V}.",
	"The first sign of trouble came {W}, when {S} {V}.",
	"For years, hardly anyone in {P} paid attention. ^Then {S} {V}.",
	"{P} is not where most people would look for the future of {K}.",
	"It began, as these things often do, with a small decision: {S} {V}.",
	"Ask anyone who follows {K} closely and they will tell you that {F}.",
	"Few people outside {P} had paid much attention to {K} until {S} {V} {W}.",
}

var closers = []string{
	"Whether that is enough is, for now, an open question.",
	"In {P}, people are not waiting to find out.",
	"The next test comes {N}.",
	"For {X}, the answer cannot come soon enough.",
	"What happens next depends on {O}.",
	"The argument over {K} is far from over.",
	"“{q}” said {R}. ^It is hard to argue with that.",
}

var headlines = []string{
	"The Quiet Fight Over {K}",
	"The Return of {K}",
	"What {P} Tells Us About {K}",
	"Inside the Battle for {K}",
	"How {X} Learned to Live With {K}",
	"The Trouble With {K}",
	"The Case Against {K}",
	"Who Pays for {K}?",
	"The Unlikely Politics of {K}",
	"Can {X} Fix {K}?",
	"{K}, Reconsidered",
	"Letter From {P}",
	"{X} and the New Math of {K}",
	"The Hidden Cost of {K}",
	"In {P}, a Reckoning Over {K}",
	"The End of {K} as We Knew It",
	"What {X} Get Wrong About {K}",
	"A Field Guide to {K}",
	"{X} Are Running Out of Patience",
	"The Next Fight Over {K}",
	"Notes on {K}",
	"Why {X} Are Watching {P}",
	"{P} Confronts {K}",
	"The Long Shadow of {K}",
	"Everything You Know About {K} Is Out of Date",
}

var deks = []string{
	"{S} {V}. ^The consequences reach well beyond {P}.",
	"How {S} {V}, and what it means for {X}.",
	"{F}. ^Our correspondent asks why.",
	"In {P}, {F}. ^{X} are paying attention.",
	"A report from {P}, where {F}.",
	"Why {S} {V}, and who stands to gain.",
	"{S} {V}. ^{X} say it is only the beginning.",
	"The story of {K} is usually told from the capital. ^In {P} it looks different.",
}

var blockQuotes = []string{
	"{Q} We should be honest about where this leads: {F}.",
	"{Q} The record is plain. ^{F}, and nobody in authority has explained why.",
	"{Q} It is worth remembering that {F}, and that {F}.",
}

var blockQuoteIntros = []string{
	"In a memo to staff, {R}, wrote:",
	"In a letter to members last {m}, {R}, made the case directly:",
	"In testimony before a committee, {R}, offered a blunt summary:",
	"{R}, set out the argument in an essay published in {y}:",
}

var subheads = []string{
	"A familiar script", "The money trail", "What changed", "The view from {P}", "Counting the cost",
	"An uneasy truce", "Second thoughts", "The long game", "What comes next", "A question of trust",
	"Old habits", "The fine print", "Winners and losers", "Lessons from {P}", "The turning point",
	"Unfinished business", "A different approach", "Quiet work", "Pressure builds", "Back in {P}",
}

var captions = []string{
	"{P}, where {F}.",
	"The view over {P} in {m}.",
	"Near {P}. ^{F}.",
	"{P} at first light. ^{F}, according to {U}.",
}

var abstractCaptions = []string{
	"An illustration for this article about {K}.",
	"^{K}, as our illustrator sees it.",
}

var timesOpening = []string{
	"Last spring", "For most of the past decade", "Within weeks", "Two years ago", "By the end of {m}",
	"Early in {y}", "Since then", "At the height of the crisis", "In the months that followed", "Over the summer",
	"Last winter", "Back in {y}", "Almost overnight", "Long before the current fight",
}

var timesClosing = []string{
	"last spring", "earlier this year", "in {m}", "within a matter of weeks", "over the winter", "in {y}",
	"after months of delay", "almost without debate", "with little fanfare", "late last year", "in the spring of {y}",
}

var timesFuture = []string{
	"next spring", "before the end of the year", "in the autumn", "when the new session opens", "early next year",
	"within months", "in {m}",
}

var places = []string{
	"Marrowby", "Port Essing", "the Calder valley", "Little Hanford", "Greyhaven", "the Tollard estuary",
	"Westmere", "Ashbury Junction", "the Kessel hills", "North Linden", "Brackwater", "Fenwick Falls",
	"Saltmarsh County", "Redcliff", "the Varro plateau", "Coldharbour", "Elmstead", "Lake Amory",
	"the Sorrel coast", "East Dunmore", "Hollins Crossing", "the river towns of the north", "Pellham",
	"Oak Ferry", "the Wendle basin", "Stanmere",
}

var weathers = []string{"gray", "bright", "cold", "humid", "windless", "rain-soaked", "clear", "foggy"}

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

var firstNames = []string{
	"Ada", "Tomas", "Priya", "Miriam", "Jonah", "Lena", "Oskar", "Nadia", "Felix", "Hannah", "Ruth", "Kofi",
	"Isabel", "Mateo", "Sana", "Daniel", "Clara", "Yusuf", "Margot", "Elias", "Ines", "Theo", "Amara", "Victor",
	"Julia", "Samir", "Noor", "Caleb", "Esther", "Marcus", "Leila", "Owen", "Greta", "Rafael", "Helen", "Kenji",
	"Beatrice", "Arjun", "Celia", "Dmitri", "Frances", "Gideon", "Iris", "Joaquin", "Katya", "Lionel", "Mae", "Nico",
	"Odile", "Paulo", "Rosa", "Silas", "Tamsin", "Ulrich", "Vera", "Wendell", "Yara", "Zeke", "Agnes", "Bruno",
}

var lastNames = []string{
	"Calloway", "Brennan", "Okafor", "Lindqvist", "Marchetti", "Haddad", "Whitlock", "Ferreira", "Castellano",
	"Nakamura", "Abernathy", "Osei", "Thornbury", "Delacroix", "Varga", "Quill", "Ashdown", "Petrov", "Kaur",
	"Mbeki", "Sorensen", "Halloran", "Iwasaki", "Fairbanks", "Novak", "Rahman", "Pellegrini", "Achebe", "Lowell",
	"Stroud", "Amsel", "Bettencourt", "Carrow", "Duval", "Eastwick", "Farrow", "Galloway", "Hartigan", "Ibarra",
	"Jessup", "Kowalczyk", "Larkspur", "Moreau", "Nyberg", "Orton", "Prescott", "Renwick", "Salinas", "Tremaine",
	"Underhill", "Valdez", "Winslow", "Yilmaz", "Zeller", "Ainsworth", "Bramley", "Coyle", "Danvers", "Ellery", "Foss",
}

var newspapers = []string{
	"the Brackwater Courier", "the Westmere Daily Star", "the Calder Valley Post", "the Port Essing Ledger",
	"the Redcliff Observer", "a wire service", "a public radio station", "the Greyhaven Herald",
}

var bios = []string{
	"{A} writes about {B} for the magazine from {P}. ^Before that, {G} was a reporter for {E}.",
	"{A} is a senior correspondent covering {B}. ^{G} joined " + magazineName + " in {y} after {c} years at {E}.",
	"{A} is a contributing writer who lives in {P}. ^{G} has written about {B} for more than a decade.",
	"{A} is the magazine's {D} editor. ^{G} previously worked at {E} and is at work on a book about {K}.",
}

var agencies = []string{
	"Harbor Light Photo", "Meridian Press Agency", "Kestrel Images", "Crossroads Wire", "Fieldnote Pictures",
	"Tidewater Photo Service", "Lantern Street Wire",
}

var formatTags = []string{"Analysis", "Dispatch", "Interview", "Explainer", "Profile", "Essay"}
