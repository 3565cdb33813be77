//! Keeping in step with Tautulli beyond its webhooks: the activity poll (`poll`), which
//! opens the playbacks webhooks missed and closes the ones Tautulli stopped listing.

pub mod poll;
