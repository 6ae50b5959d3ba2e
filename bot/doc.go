// Package bot is Concierge's Telegram side: durable ingestion of updates
// (webhook and long polling into the storage inbox), routing through
// go-telegram/bot's ProcessUpdate, the conversation engine with the owner
// and staff dialogs, the texts in zh-Hans, zh-Hant and en, and the one
// sender that keeps Telegram's limits.
//
// Each update is processed in one database transaction: the conversation
// state, tickets, events, transcript and the replies it causes (rows in
// outgoing) commit together with the mark that the update was handled, so a
// crash or a retry never half-applies an update. bot writes no SQL and no
// Redis commands of its own; it calls storage and handoff.
package bot
