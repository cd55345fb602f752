-- A send reads its recipients in reader order, a batch after the last
-- one: this index gives them in that order, so each batch reads only its
-- own rows. (Through newsletter_subscriptions_list every batch read and
-- sorted every confirmed subscription: 100,000 readers took 31.5 s.)
CREATE INDEX newsletter_subscriptions_send ON newsletter_subscriptions (newsletter, reader_id) WHERE confirmed_at > 0;
