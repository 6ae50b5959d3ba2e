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
//
// After a ticket opens, the owner's later messages are matched to it
// (followup.go): clear follow-ups and photos go on the ticket's transcript
// and to the assignee, new requests open new tickets, and what is unclear
// is asked about with buttons. Before a ticket opens the engine asks only
// for what is missing (slots.go). Solved / Not yet close or reopen a
// resolved ticket; RunCallbacks then runs the satisfaction callbacks (回访)
// as durable jobs in Postgres, outside quiet hours, and closes tickets left
// unconfirmed (callbacks.go, quiet.go). ReportText renders the monthly
// figures (report.go).
package bot
