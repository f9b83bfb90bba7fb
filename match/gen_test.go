package match

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// accountGen makes plausible synthetic accounts for benchmarks and the
// blocking test: an invented brand word, one or two trade words and
// sometimes a legal form, with a domain built from the name.
type accountGen struct {
	rng *rand.Rand
}

func newAccountGen(seed uint64) *accountGen {
	return &accountGen{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

var (
	genSyllables = strings.Fields(`ac al an ar as bel bri ca cor da del dor en el fa fen gal gen
		hal har in is jo ka kel kin la lum lo mar mo nor no o or pel pra quin ra ro sol sa ta tri
		tor ul um ver vi wex wil xa yor zen zi ba be bo cu di fo gu ha li mi ne ni pe pi re ri se
		si te ti to va ve vo`)
	genTrades = strings.Fields(`Analytics Robotics Foods Logistics Health Capital Software
		Systems Labs Energy Solar Dental Legal Partners Consulting Media Design Studios Games
		Pharma Biotech Insurance Travel Hotels Mining Marine Aviation Textiles Furniture Brewing
		Coffee Bakery Cosmetics Security Payments Networks Cloud Data Learning Publishing Motors
		Materials Devices Outfitters Interiors Kitchens Farms Ventures Freight Supply Imports
		Research Engineering Architects Clinics Pharmacy Logistik Technik Fietsen Tessuti`)
	genExtras = strings.Fields(`Group International Europe Global Services Solutions Works
		Holdings Company Partners North South West East Pacific Atlantic`)
	genForms = []string{"Inc.", "LLC", "Ltd", "GmbH", "S.A.", "B.V.", "AB", "Oy", "Pty Ltd", "PLC", "Corp.", "SAS", "S.r.l.", "K.K.", "AG"}
	genTLDs  = strings.Fields(`com com com com io co.uk de fr nl se com.au co.jp ai es it ch`)
)

// brand returns an invented capitalised word of two to four syllables.
func (g *accountGen) brand() string {
	var b strings.Builder
	for range 2 + g.rng.IntN(3) {
		b.WriteString(genSyllables[g.rng.IntN(len(genSyllables))])
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// account returns a synthetic account with the given ID.
func (g *accountGen) account(id string) Account {
	brand := g.brand()
	words := []string{brand, genTrades[g.rng.IntN(len(genTrades))]}
	if g.rng.IntN(4) == 0 {
		words = append(words, genExtras[g.rng.IntN(len(genExtras))])
	}
	name := strings.Join(words, " ")
	if g.rng.IntN(2) == 0 {
		name += " " + genForms[g.rng.IntN(len(genForms))]
	}
	domain := strings.ToLower(brand+words[1]) + "." + genTLDs[g.rng.IntN(len(genTLDs))]
	return Account{ID: id, Name: name, Domain: domain}
}

// accounts returns n synthetic accounts with IDs S0000000, S0000001, ….
func (g *accountGen) accounts(n int) []Account {
	out := make([]Account, n)
	for i := range out {
		out[i] = g.account(fmt.Sprintf("S%07d", i))
	}
	return out
}

// typo returns s with one random letter dropped, doubled, replaced or
// swapped with its neighbour, away from the first letter.
func (g *accountGen) typo(s string) string {
	r := []rune(s)
	if len(r) < 4 {
		return s
	}
	i := 1 + g.rng.IntN(len(r)-2)
	switch g.rng.IntN(4) {
	case 0:
		r = append(r[:i], r[i+1:]...)
	case 1:
		r = append(r[:i+1], r[i:]...)
	case 2:
		r[i] = rune('a' + g.rng.IntN(26))
	default:
		r[i], r[i+1] = r[i+1], r[i]
	}
	return string(r)
}
