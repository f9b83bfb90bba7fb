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
