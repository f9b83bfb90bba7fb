package match

// notCompanyDomains are sites where people keep a page about their company
// (social networks, link pages, site builders' shared hosts, search
// engines): a lead's website pointing there says nothing about which
// company the lead works for, so Match ignores it as it ignores free mail.
// An email address at one of them is the company's own staff and is
// matched as usual.
var notCompanyDomains = setOf(`linkedin.com facebook.com fb.com fb.me twitter.com x.com
	instagram.com youtube.com youtu.be tiktok.com pinterest.com google.com goo.gl
	wikipedia.org crunchbase.com xing.com glassdoor.com indeed.com yelp.com
	github.com gitlab.com bitbucket.org medium.com substack.com about.me linktr.ee
	wix.com wixsite.com squarespace.com wordpress.com blogspot.com tumblr.com
	weebly.com webflow.io carrd.co bit.ly t.co example.com example.org example.net`)

// isCompanyWebsite reports whether the registrable domain d, as
// NormalizeDomain returns it from a lead's website, can say which company
// the lead belongs to: it is neither free mail nor one of
// notCompanyDomains.
func isCompanyWebsite(d string) bool {
	return d != "" && !isFreeMailNormalized(d) && !notCompanyDomains[d]
}
