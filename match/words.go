package match

import (
	"slices"
	"strings"
)

// abbreviations maps an abbreviated or variant word, as foldWords leaves it,
// to the word NormalizeCompany writes instead. Each target maps to itself,
// so normalising twice changes nothing. The list is short on purpose: only
// abbreviations that are common in company names and never a name on their
// own.
var abbreviations = map[string]string{
	"intl": "international", "internat": "international", "international": "international",
	"mfg": "manufacturing", "manuf": "manufacturing", "manufacturing": "manufacturing",
	"mfrs": "manufacturers", "manufacturers": "manufacturers",
	"svc": "services", "svcs": "services", "srvcs": "services", "servs": "services", "services": "services",
	"tech": "technologies", "techn": "technologies", "technology": "technologies", "technologies": "technologies",
	"vers": "versicherung", "versich": "versicherung", "versicherung": "versicherung",
	"mgmt": "management", "mgt": "management", "management": "management",
	"assoc": "associates", "assocs": "associates", "associates": "associates",
	"bros": "brothers", "brothers": "brothers",
	"natl": "national", "national": "national",
	"univ": "university", "university": "university",
	"engg": "engineering", "eng": "engineering", "engineering": "engineering",
	"sys": "systems", "systems": "systems",
	"lab": "labs", "laboratories": "labs", "laboratory": "labs", "labs": "labs",
	"pharma": "pharmaceuticals", "pharmaceutical": "pharmaceuticals", "pharmaceuticals": "pharmaceuticals",
	"ctr": "center", "centre": "center", "center": "center",
	"mktg": "marketing", "marketing": "marketing",
	"comms": "communications", "commun": "communications", "communications": "communications",
	"distr": "distribution", "distrib": "distribution", "distribution": "distribution",
	"elec": "electric", "electrical": "electric", "electric": "electric",
	"equip": "equipment", "equipment": "equipment",
	"grp": "group", "hldgs": "holdings", "hldg": "holdings",
	"ins": "insurance", "insurance": "insurance",
	"solns": "solutions", "soln": "solutions", "solutions": "solutions",
	"inds": "industries", "industries": "industries",
	"prods": "products", "products": "products",
	"constr": "construction", "construction": "construction",
	"bldg": "building", "building": "building",
	"hosp": "hospital", "hospital": "hospital",
	"assn": "association", "association": "association",
	"finl": "financial", "financial": "financial",
	"gesmbh": "gmbh",
}

// shortForms maps a word NormalizeCompany writes in full to the
// abbreviations it replaced, for wordLike to look for slips in those too.
var shortForms = func() map[string][]string {
	m := map[string][]string{}
	for short, long := range abbreviations {
		if short != long {
			m[long] = append(m[long], short)
		}
	}
	for _, shorts := range m {
		slices.Sort(shorts)
	}
	return m
}()

// purchasingWords name a purchasing department, which is never part of a
// company's name, so NormalizeCompany drops them from the end of a name
// even without a separator ("Acme Robotics Procurement").
var purchasingWords = setOf(`procurement purchasing einkauf inkoop achats compras acquisti
	inkop innkjop indkob hankinta zakupy`)

// departmentWords name a department or function. After a separator they
// are dropped with the separator ("Acme - Sales & Marketing"); at the end of
// a name they are kept, since "Redwood Legal" is a company.
var departmentWords = setOf(`procurement purchasing purchase purchases sourcing buying sales
	marketing finance finances accounting accounts payable receivable billing hr human
	resources people talent recruiting recruitment it information legal compliance operations
	ops engineering research development rd support customer service care admin
	administration facilities treasury tax payroll logistics supply chain security
	management executive board
	inkoop verkoop financien administratie personeelszaken juridische zaken
	einkauf vertrieb buchhaltung personal verwaltung rechnungswesen
	achats achat comptabilite ventes commercial juridique
	compras ventas contabilidad finanzas
	acquisti vendite amministrazione
	inkop forsaljning innkjop salg indkob hankinta myynti zakupy sprzedaz`)

// officeWords say that what follows or precedes them is a department or an
// office of the company rather than its name.
var officeWords = setOf(`department departments dept dpt division div office offices branch
	team unit desk hq headquarters site campus plant location
	afdeling afd kantoor vestiging hoofdkantoor
	abteilung abt niederlassung standort buero buro zentrale filiale geschaftsstelle
	direction departement agence bureau succursale siege etablissement
	departamento oficina sucursal sede
	ufficio reparto
	avdeling avd kontor osasto toimisto dzial biuro oddzial`)

// trailingOfficeWords are the office words NormalizeCompany drops from the
// end of a name without a separator: they are not the last word of a
// company's own name ("Credit Bureau" and "Power Plant" are).
var trailingOfficeWords = setOf(`department departments dept dpt division office offices branch
	hq headquarters afdeling afd kantoor vestiging hoofdkantoor abteilung abt niederlassung
	standort buero buro filiale departement agence succursale departamento oficina sucursal
	ufficio avdeling avd osasto toimisto dzial biuro oddzial`)

// officeQualifiers are words placed before an office word that belong to
// it: "Head Office", "Regional Office".
var officeQualifiers = setOf(`head main regional local central corporate global european
	international national group`)

// tailFillers may appear in a department tail without naming anything.
var tailFillers = setOf(`and of the for de der des du la le van voor fur a en y e i att`)

// connectives join words in a name; the comparison key drops them, so
// "Ember & Oak", "Ember and Oak" and "Ember Oak" agree.
var connectives = setOf(`and und et og och`)

// regionWords may follow a company's name to say which part of it a lead
// works for ("Orbisoft UK"). A fuzzy match tolerates them at the end of the
// lead's name.
var regionWords = setOf(`uk us usa na emea apac latam europe eu asia americas america
	international global worldwide deutschland germany france espana spain italia italy
	nederland netherlands nordic nordics india japan china australia canada`)

// inflections are word endings that make variants of one word: plurals,
// agent nouns, -ing forms, and the German and French spellings of English
// ones ("Energie", "Robotik"). Two words that differ only in such endings
// after a shared stem of four or more letters are the same word to the
// fuzzy step ("Publishers" and "Publishing").
var inflections = setOf(`s es e y ie ies er ers or ors ing ings ion ions ant ants ent ents
	al als ic ics ical ik iek ique iques ia`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// isDepartmentTail reports whether the folded words after a separator name
// a department or an office: every word is a department word or filler, or
// there are at most four words and one is an office word ("Bangalore
// office").
func isDepartmentTail(words []string) bool {
	if len(words) == 0 {
		return false
	}
	all, office := true, false
	for _, w := range words {
		if officeWords[w] {
			office = true
		}
		if !departmentWords[w] && !officeWords[w] && !tailFillers[w] {
			all = false
		}
	}
	return all || office && len(words) <= 4
}

// trailingDepartmentLen returns how many trailing words of words name a
// purchasing department or an office ("Sales Department", "Head Office"),
// or 0.
func trailingDepartmentLen(words []string) int {
	last := words[len(words)-1]
	switch {
	case purchasingWords[last]:
		return 1
	case trailingOfficeWords[last]:
		if len(words) > 2 {
			prev := words[len(words)-2]
			if departmentWords[prev] || officeQualifiers[prev] {
				return 2
			}
		}
		return 1
	}
	return 0
}
