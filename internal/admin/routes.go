package admin

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// route is one admin route and the permission it needs; "" means open to
// anyone, for signing in.
type route struct {
	pattern string
	perm    magazine.Permission
	h       handler
}

// routes lists every route of the admin. The route test walks this list
// for every role, so a route added here is checked at once.
func (a *Admin) routes() []route {
	const (
		open      = magazine.Permission("")
		staff     = magazine.PermViewAdmin
		manage    = magazine.PermManageStaff
		audit     = magazine.PermViewAudit
		ownership = magazine.PermTransferOwnership
		issues    = magazine.PermManageIssues
		taxonomy  = magazine.PermManageTaxonomy
		settings  = magazine.PermManageSettings
		write     = magazine.PermWriteOwn
	)
	const circulation = magazine.PermManageBilling
	return []route{
		{"GET /admin/sign-in", open, a.signInPage},
		{"POST /admin/sign-in", open, a.signIn},
		{"GET /admin/sign-in/code", open, a.codePage},
		{"POST /admin/sign-in/code", open, a.code},
		{"GET /admin/password-reset", open, a.resetPage},
		{"POST /admin/password-reset", open, a.requestReset},
		{"GET /admin/password-reset/{token}", open, a.setPasswordPage},
		{"POST /admin/password-reset/{token}", open, a.setPassword},

		{"GET /admin/{$}", staff, a.dashboard},
		{"POST /admin/sign-out", staff, a.signOut},
		{"POST /admin/sign-out-everywhere", staff, a.signOutEverywhere},
		{"GET /admin/account", staff, a.account},
		{"POST /admin/account/password", staff, a.changePassword},
		{"POST /admin/account/totp", staff, a.enableTOTP},
		{"POST /admin/account/totp/off", staff, a.disableTOTP},

		{"GET /admin/staff", manage, a.staffPage},
		{"POST /admin/staff", manage, a.addStaff},
		{"POST /admin/staff/{id}/role", manage, a.changeRole},
		{"POST /admin/staff/{id}/deactivate", manage, a.deactivate},
		{"POST /admin/staff/transfer-ownership", ownership, a.transferOwnership},
		{"GET /admin/audit", audit, a.auditPage},
		{"GET /admin/mailbox", manage, a.mailbox},
		{"GET /admin/mailbox/{id}", manage, a.mailboxMessage},

		// Circulation: plans and subscribers, for admins (see circulation.go).
		{"GET /admin/plans", circulation, a.plansPage},
		{"GET /admin/plans/new", circulation, a.newPlanPage},
		{"POST /admin/plans", circulation, a.createPlan},
		{"GET /admin/plans/{id}", circulation, a.editPlanPage},
		{"POST /admin/plans/{id}", circulation, a.updatePlan},
		{"GET /admin/subscribers", circulation, a.subscribersPage},
		{"GET /admin/subscribers.csv", circulation, a.subscribersCSV},
		{"POST /admin/subscribers/comp", circulation, a.compByEmail},
		{"GET /admin/subscribers/{id}", circulation, a.subscriberPage},
		{"POST /admin/subscribers/{id}/comp", circulation, a.compSubscription},
		{"POST /admin/subscribers/{id}/cancel", circulation, a.cancelSubscription},
		{"POST /admin/subscribers/{id}/cancel-now", circulation, a.cancelSubscriptionNow},
		{"POST /admin/subscribers/{id}/resume", circulation, a.resumeSubscription},
		{"POST /admin/subscribers/{id}/refund", circulation, a.refundSubscription},
		// The printed magazine (see print_mailing.go): addresses, holds,
		// each issue's mailing list and the import of print subscribers.
		{"POST /admin/subscribers/{id}/address", circulation, a.changeSubscriberAddress},
		{"POST /admin/subscribers/{id}/holds", circulation, a.addSubscriberHold},
		{"POST /admin/subscribers/{id}/holds/{hold}/remove", circulation, a.removeSubscriberHold},
		{"GET /admin/mailing", circulation, a.mailingPage},
		{"POST /admin/mailing/settings", circulation, a.savePrintSettings},
		{"GET /admin/mailing/{id}", circulation, a.mailingIssuePage},
		{"GET /admin/mailing/{id}/list.csv", circulation, a.mailingCSV},
		{"GET /admin/mailing/{id}/labels.pdf", circulation, a.mailingLabels},
		{"POST /admin/mailing/{id}/labels", circulation, a.requestLabels},
		{"GET /admin/print-import", circulation, a.printImportPage},
		{"POST /admin/print-import", circulation, a.importPrintSubscribers},

		{"GET /admin/issues", issues, a.issuesPage},
		{"POST /admin/issues", issues, a.createIssue},
		{"GET /admin/issues/{id}", issues, a.issuePage},
		{"POST /admin/issues/{id}", issues, a.updateIssue},
		{"POST /admin/issues/{id}/cover", issues, a.setIssueCover},
		{"POST /admin/issues/{id}/articles", issues, a.addToIssue},
		{"POST /admin/issues/{id}/articles/{article}/move", issues, a.moveInIssue},
		{"POST /admin/issues/{id}/articles/{article}/remove", issues, a.removeFromIssue},
		{"POST /admin/issues/{id}/order", issues, a.orderIssue},
		{"POST /admin/issues/{id}/publish", issues, a.publishIssue},
		{"GET /admin/issues/calendar", issues, a.calendarPage},
		{"POST /admin/issues/planned", issues, a.createPlannedIssue},
		{"POST /admin/issues/{id}/schedule", issues, a.scheduleIssue},
		{"POST /admin/issues/{id}/unpublish", issues, a.unpublishIssue},
		{"POST /admin/issues/{id}/editions/{format}/retry", issues, a.retryEdition},
		{"POST /admin/issues/{id}/replica", issues, a.uploadReplica},
		{"POST /admin/issues/{id}/replica/remove", issues, a.removeReplica},
		{"POST /admin/issues/{id}/newsletter/test", issues, a.testNewsletter},
		{"GET /admin/sections", taxonomy, a.sectionsPage},
		{"POST /admin/sections", taxonomy, a.createSection},
		{"GET /admin/sections/{id}", taxonomy, a.sectionPage},
		{"POST /admin/sections/{id}", taxonomy, a.updateSection},
		{"POST /admin/sections/{id}/move", taxonomy, a.moveSection},
		{"POST /admin/sections/{id}/delete", taxonomy, a.deleteSection},
		{"GET /admin/tags", taxonomy, a.tagsPage},
		{"POST /admin/tags/{id}", taxonomy, a.renameTag},
		{"POST /admin/tags/{id}/merge", taxonomy, a.mergeTag},
		{"POST /admin/tags/{id}/delete", taxonomy, a.deleteTag},
		{"GET /admin/authors", taxonomy, a.authorsPage},
		{"POST /admin/authors", taxonomy, a.createAuthor},
		{"GET /admin/authors/{id}", taxonomy, a.authorPage},
		{"POST /admin/authors/{id}", taxonomy, a.updateAuthor},
		// Audio (audio.go): narration states for staff; render again and
		// the pronunciation dictionary for those who manage settings.
		{"GET /admin/audio", staff, a.audioPage},
		{"GET /admin/audio/articles/{id}/listen", staff, a.listenAudio},
		{"POST /admin/audio/articles/{id}/render", settings, a.renderAgain},
		{"GET /admin/audio/feeds", circulation, a.feedsPage},
		{"GET /admin/audio/lexicon", settings, a.lexiconPage},
		{"POST /admin/audio/lexicon", settings, a.saveLexicon},
		{"POST /admin/audio/lexicon/{id}/delete", settings, a.deleteLexicon},
		{"GET /admin/audio/lexicon/hear", settings, a.hearLexicon},
		{"GET /admin/audio/lexicon.csv", settings, a.exportLexicon},
		{"POST /admin/audio/lexicon.csv", settings, a.importLexicon},
		// Ads (ads.go): a tag is script on the site's pages, so only those
		// who manage settings (admins) enter ads.
		{"GET /admin/ads", settings, a.adsPage},
		{"GET /admin/ads/new", settings, a.newAdPage},
		{"POST /admin/ads", settings, a.createAd},
		{"GET /admin/ads/{id}", settings, a.adPage},
		{"POST /admin/ads/{id}", settings, a.updateAd},
		{"POST /admin/ads/{id}/delete", settings, a.deleteAd},
		// Webhooks (webhooks.go): payloads carry readers' addresses, so
		// only those who manage settings (admins) choose where they go.
		{"GET /admin/webhooks", settings, a.webhooksPage},
		{"POST /admin/webhooks", settings, a.createWebhook},
		{"GET /admin/webhooks/{id}", settings, a.webhookPage},
		{"POST /admin/webhooks/{id}/test", settings, a.testWebhook},
		{"POST /admin/webhooks/{id}/disable", settings, a.disableWebhook},
		{"POST /admin/webhooks/{id}/enable", settings, a.enableWebhook},
		{"POST /admin/webhooks/{id}/delete", settings, a.deleteWebhook},
		{"POST /admin/webhooks/{id}/deliveries/{delivery}/resend", settings, a.resendWebhook},
		// Admin API keys (apikeys.go): a key can change content and give
		// comps, so only those who manage settings (admins) make them.
		{"GET /admin/api-keys", settings, a.apiKeysPage},
		{"POST /admin/api-keys", settings, a.createAPIKey},
		{"POST /admin/api-keys/{id}/revoke", settings, a.revokeAPIKey},
		{"GET /admin/settings", settings, a.settingsPage},
		{"POST /admin/settings", settings, a.saveSettings},
		// Articles: the list, the editor and revisions. write_own opens the
		// editor; which articles one may edit or publish is checked per
		// article (editor_access.go).
		{"GET /admin/articles", staff, a.articles},
		{"GET /admin/articles/new", write, a.newArticlePage},
		{"POST /admin/articles", write, a.createArticle},
		{"GET /admin/articles/{id}", write, a.editArticlePage},
		{"POST /admin/articles/{id}", write, a.updateArticle},
		{"POST /admin/articles/autosave", write, a.autosave},
		{"POST /admin/articles/preview", write, a.previewBody},
		{"POST /admin/articles/preview/page", write, a.previewPage},
		{"POST /admin/articles/upload", write, a.upload},
		{"GET /admin/articles/{id}/revisions", write, a.revisions},
		{"GET /admin/articles/{id}/revisions/diff", write, a.revisionDiff},
		{"POST /admin/articles/{id}/revisions/{n}/restore", write, a.restoreRevision},
	}
}

// Register adds every admin route to mux.
func (a *Admin) Register(mux *http.ServeMux) {
	for _, rt := range a.routes() {
		mux.Handle(rt.pattern, a.wrap(rt.perm, limitBody(rt.pattern, rt.h)))
	}
	mux.HandleFunc("GET /admin/static/{file}", a.static)
	mux.Handle("GET /admin", http.RedirectHandler("/admin/", http.StatusMovedPermanently))
	mux.Handle("/admin/", a.wrap("", func(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
		return magazine.Errorf(magazine.ENOTFOUND, "There is no admin page at this address.")
	}))
}
