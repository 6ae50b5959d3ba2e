// Package handoff owns the staff queues on Redis Streams: the outbox relay
// that publishes tickets from Postgres, the "cards" consumer group that posts
// one card per handoff in the staff group, the "staff" group /next pulls
// from, claims, releases and transfers, the reclaimer (XAUTOCLAIM and poison
// entries), escalations of unclaimed and overdue tickets, and recovery when
// Redis loses its data.
//
// Postgres is the truth about who owns a ticket; Redis only carries work, so
// every entry read from a stream is checked against the ticket before it is
// acted on, and everything in Redis can be rebuilt from Postgres.
//
// There is one stream per queue, {prefix}handoff:{urgent,repair,complaint,
// inquiry}; urgent tickets of any kind go to the urgent stream, read first.
// Entries carry ticket_id, code, kind, urgent, outbox_id and reason.
//
// handoff imports storage and never Telegram types: the bot implements
// Notifier to post cards and alert supervisors.
package handoff
