package match

import "testing"

func TestNormalizeCompany(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"Lowercases", "ACME Robotics", "acme robotics"},
		{"DropsInc", "Acme Robotics, Inc.", "acme robotics"},
		{"DropsIncorporated", "Acme Robotics Incorporated", "acme robotics"},
		{"DropsLLC", "Acme Foods LLC", "acme foods"},
		{"DropsLtd", "Umbrella Analytics Ltd", "umbrella analytics"},
		{"DropsLimited", "Umbrella Analytics Limited", "umbrella analytics"},
		{"DropsPLC", "Wexford Mills PLC", "wexford mills"},
		{"DropsCorp", "Globex Corp.", "globex"},
		{"DropsCorporation", "Globex Corporation", "globex"},
		{"DropsCoLtd", "Yamabuki Foods Co., Ltd.", "yamabuki foods"},
		{"DropsPtyLtd", "Tailspin Aviation Pty Ltd", "tailspin aviation"},
		{"DropsGmbH", "Initech Software GmbH", "initech software"},
		{"DropsGmbHAndCoKG", "Müller Präzisionstechnik GmbH & Co. KG", "muller prazisionstechnik"},
		{"DropsAG", "Contoso Pharmaceuticals AG", "contoso pharmaceuticals"},
		{"DropsSA", "Wingtip Toys S.A.", "wingtip toys"},
		{"DropsSpacedSA", "Société Générale S. A.", "societe generale"},
		{"DropsSAS", "Brasserie Lumière SAS", "brasserie lumiere"},
		{"DropsSAdeCV", "Quetzal Software S.A. de C.V.", "quetzal software"},
		{"DropsBV", "Fabrikam Logistics B.V.", "fabrikam logistics"},
		{"DropsNV", "Delft Blue Ceramics N.V.", "delft blue ceramics"},
		{"DropsOy", "Kuusi Data Oy", "kuusi data"},
		{"DropsAB", "Kaleido Media AB", "kaleido media"},
		{"DropsABPubl", "Kaleido Media AB (publ)", "kaleido media"},
		{"DropsAS", "Fjordlys AS", "fjordlys"},
		{"DropsASWithSlash", "Fjordlys A/S", "fjordlys"},
		{"DropsApS", "Havnegade Design ApS", "havnegade design"},
		{"DropsKK", "Sakura Precision K.K.", "sakura precision"},
		{"DropsSrl", "Tessuti Firenze S.r.l.", "tessuti firenze"},
		{"DropsSpA", "Vetro Milano S.p.A.", "vetro milano"},
		{"DropsSpZoo", "Wawel Software Sp. z o.o.", "wawel software"},
		{"DropsSro", "Moravia Glassworks s.r.o.", "moravia glassworks"},
		{"DropsAndCo", "Harrow & Co", "harrow"},
		{"DropsGroupAndHoldings", "Halcyon Hotels Group Holdings Ltd", "halcyon hotels"},
		{"DropsLeadingThe", "The Lantern Company", "lantern"},
		{"DropsLeadingPT", "PT Sinar Jaya Tbk", "sinar jaya"},
		{"DropsLeadingCyrillicOOO", "ООО «Северный Ветер»", "северный ветер"},
		{"KeepsLastWord", "The Company", "company"},
		{"KeepsLegalFormAsOnlyWord", "AB", "ab"},
		{"KeepsInnerLegalWord", "Co Operative Bank", "co operative bank"},
		{"FoldsAccents", "Crédit Maritime Lyonnais", "credit maritime lyonnais"},
		{"FoldsNordicLetters", "Østergaard & Søn", "ostergaard and son"},
		{"FoldsSharpS", "Straße Werke", "strasse werke"},
		{"FoldsMacrons", "Tūī Analytics", "tui analytics"},
		{"DropsCombiningMarks", "Cafe\u0301 Ole\u0301", "cafe ole"},
		{"JoinsApostrophe", "Margie's Travel", "margies travel"},
		{"JoinsCurlyApostrophe", "Margie’s Travel", "margies travel"},
		{"AmpersandIsAnd", "Ember & Oak", "ember and oak"},
		{"HyphenIsSpace", "Coca-Cola Bottling", "coca cola bottling"},
		{"CollapsesSpaces", "  Acme   \t Robotics  ", "acme robotics"},
		{"DomainWordIsLabel", "Bookingnest.com B.V.", "bookingnest"},
		{"DomainWordWithComma", "Acme.io, Inc.", "acme"},
		{"NotADomainWord", "Node.js Foundation", "nodejs foundation"},
		{"KeepsDigits", "3M Company", "3m"},
		{"KeepsCJK", "株式会社さくら", "株式会社さくら"},
		{"Empty", "", ""},
		{"PunctuationOnly", " - / ", ""},
		{"DropsParentheses", "Gulmohar Fintech (Bangalore office)", "gulmohar fintech"},
		{"DropsBrackets", "Acme Robotics [EMEA]", "acme robotics"},
		{"KeepsParenthesesWhenAllThereIs", "(Acme)", "acme"},
		{"DropsDutchDepartmentTail", "Zeewind Energie - afdeling inkoop", "zeewind energie"},
		{"DropsCommaDepartment", "Acme Robotics, Procurement", "acme robotics"},
		{"DropsSlashDepartment", "Müller GmbH / Einkauf", "muller"},
		{"DropsEnDashOfficeTail", "Acme Robotics – London Office", "acme robotics"},
		{"DropsDepartmentAfterLegalForm", "Acme Robotics, Inc. - Sales & Marketing", "acme robotics"},
		{"DropsTrailingPurchasingWord", "Acme Robotics Procurement", "acme robotics"},
		{"DropsTrailingOfficePhrase", "Acme Robotics Head Office", "acme robotics"},
		{"KeepsTrailingFunctionWord", "Redwood Legal", "redwood legal"},
		{"KeepsCommaTailThatIsAName", "Harrow, Finch & Co", "harrow finch"},
		{"KeepsHyphenatedName", "Coca-Cola Procurement", "coca cola"},
		{"SpellsOutIntl", "Acme Intl", "acme international"},
		{"SpellsOutMfg", "Acme Mfg. Co.", "acme manufacturing"},
		{"SpellsOutSvcs", "Kestrel Marine Svcs", "kestrel marine services"},
		{"SpellsOutTech", "Quillon Legal Tech", "quillon legal technologies"},
		{"SpellsOutTechnology", "Quillon Legal Technology", "quillon legal technologies"},
		{"SpellsOutVers", "Allgemeine Vers. AG", "allgemeine versicherung"},
		{"SpellsOutGrpThenDropsIt", "Halcyon Hotels Grp", "halcyon hotels"},
		{"FoldsPolishL", "Łódź Logistyka", "lodz logistyka"},
		{"FoldsTurkishS", "Şişecam Çelik", "sisecam celik"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := NormalizeCompany(tt.in)
			if got != tt.want {
				t.Errorf("NormalizeCompany(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := NormalizeCompany(got); again != got {
				t.Errorf("NormalizeCompany(%q) = %q, not idempotent", got, again)
			}
		})
	}
}

func TestNameFormKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, a, b string
		same       bool
	}{
		{"UmlautAsVowelE", "Müller Präzisionstechnik GmbH", "Mueller Praezisionstechnik", true},
		{"UmlautAsBareVowel", "Müller Präzisionstechnik", "Muller Prazisionstechnik", true},
		{"BareVowelMeetsVowelE", "Muller Prazisionstechnik", "Mueller Praezisionstechnik", true},
		{"SharpSAsSS", "Straße Werke", "Strasse Werke", true},
		{"NordicOAsOE", "Østergaard & Søn", "Oestergaard and Soen", true},
		{"NordicAAsAA", "Solstråle Energi", "Solstraale Energi", true},
		{"NordicAAsA", "Solstråle Energi", "Solstrale Energi", true},
		{"AEAsAE", "Kæmpe Byg", "Kaempe Byg", true},
		{"CedillaAsC", "Façade Studio", "Facade Studio", true},
		{"SpacingIgnored", "Blue Field Energy", "Bluefield Energy", true},
		{"HyphenIgnored", "Blue-Field Energy", "Bluefield Energy", true},
		{"ConnectiveIgnored", "Ember & Oak", "Ember Oak", true},
		{"GermanConnective", "Müller und Söhne", "Mueller & Soehne", true},
		{"AbbreviationMeetsWord", "Allgemeine Vers.", "Allgemeine Versicherung AG", true},
		{"IntlMeetsInternational", "Wayfarer Intl", "Wayfarer International", true},
		{"TechMeetsTechnologies", "Quillon Tech", "Quillon Technologies", true},
		{"DepartmentIgnored", "Zeewind Energie - afdeling inkoop", "Zeewind Energie B.V.", true},
		{"DifferentWordDiffers", "Northwind Travel", "Northwind Traders", false},
		{"ExtraWordDiffers", "Acme Robotics Labs", "Acme Robotics", false},
		{"TypoDiffers", "Acme Robotcs", "Acme Robotics", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := newNameForm(NormalizeCompany(tt.a)), newNameForm(NormalizeCompany(tt.b))
			if same := a.key == b.key; same != tt.same {
				t.Errorf("keys %q (%q) and %q (%q): same %v, want %v", a.key, tt.a, b.key, tt.b, same, tt.same)
			}
		})
	}
}

func TestWordsAgree(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, lead, account string
		want                bool
	}{
		{"Equal", "Acme Robotics", "Acme Robotics", true},
		{"DroppedLetter", "Acme Robotcs", "Acme Robotics", true},
		{"SwappedLetters", "Halycon Hotels", "Halcyon Hotels", true},
		{"SlipInFourLetterWord", "Fafo Lahs", "Fafo Labs", true},
		{"TwoSlipsInLongWord", "Frostline Refridgeraton", "Frostline Refrigeration", true},
		{"Plural", "Kingfisher Outdoors", "Kingfisher Outdoor", true},
		{"Inflection", "Bramblewood Publishers", "Bramblewood Publishing", true},
		{"GermanSpelling", "Copperline Energie", "Copperline Energy", true},
		{"TruncatedLastWord", "Müller Präzision", "Müller Präzisionstechnik", true},
		{"OmittedTrailingWord", "Northwind Health", "Northwind Health Partners", true},
		{"TrailingRegion", "Acme Robotics UK", "Acme Robotics", true},
		{"TrailingMistypedLegalForm", "Acme Robotics Pty Lttd", "Acme Robotics", true},
		{"SplitWordWithSlip", "Blue Feild Energy", "Bluefield Energy", true},
		{"SlipInSpeltOutAbbreviation", "Toni Pharrma", "Toni Pharma", true},
		{"SubstitutedWord", "Summit Cloud Security", "Summit Cloud Systems", false},
		{"DifferentEnding", "Harborside Medical Billing", "Harborview Medical Billing", false},
		{"ExtraWord", "Acme Robotics Labs", "Acme Robotics", false},
		{"OneWordOfMany", "Northwind", "Northwind Traders", false},
		{"OmittedMiddleWord", "Evergreen Care", "Evergreen Dental Care", false},
		{"DifferentTrade", "Northwind Travel", "Northwind Traders", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, a := newNameForm(NormalizeCompany(tt.lead)), newNameForm(NormalizeCompany(tt.account))
			if got := wordsAgree(&q, &a); got != tt.want {
				t.Errorf("wordsAgree(%q, %q) = %v, want %v", q.words, a.words, got, tt.want)
			}
		})
	}
}
