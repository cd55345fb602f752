package edition

import (
	"context"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// KindleMail is the message that carries an issue's EPUB to a Kindle.
func KindleMail(pub magazine.Publication, issue magazine.Issue, kindle, epubKey string) store.Mail {
	title := Content{Pub: pub, Issue: issue}.Title()
	return store.Mail{Kind: "kindle_issue", To: kindle, Subject: title,
		Text:          title + " is attached, for your Kindle library.\n",
		AttachmentKey: epubKey, AttachmentName: FileName(magazine.Slugify(pub.Name), issue, store.FormatEPUB)}
}

// sendToKindles mails the newest issue's EPUB, once, to every reader who
// saved a Kindle address and may have the edition. Older issues are sent
// only on a reader's request: a rebuilt archive mails nobody.
func (b *Builder) sendToKindles(ctx context.Context, issueID int64, key string) error {
	current, err := b.Store.CurrentIssue(ctx)
	if err != nil || current.ID != issueID {
		return err
	}
	readers, err := b.Store.KindleReaders(ctx)
	if err != nil || len(readers) == 0 {
		return err
	}
	pub, err := b.Store.Publication(ctx)
	if err != nil {
		return err
	}
	now := b.now()
	for _, k := range readers {
		ents, err := b.Store.ReaderEntitlements(ctx, k.ReaderID, now)
		if err != nil {
			return err
		}
		v := magazine.Viewer{Registered: true, Entitlements: ents, ArchiveFrom: magazine.ArchiveStart(now.In(pub.Location()), pub.ArchiveWindowMonths)}
		if !magazine.CanReadEdition(v, current) {
			continue
		}
		if _, err := b.Store.QueueKindle(ctx, k.ReaderID, issueID, KindleMail(pub, current, k.Kindle, key), false); err != nil {
			return err
		}
	}
	return nil
}
