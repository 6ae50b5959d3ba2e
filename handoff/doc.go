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
// Every change that puts a ticket back on a queue (opened, released,
// transferred to a queue, recovered) goes through the Postgres outbox in the
// transaction that made it, and the relay publishes it; Kick wakes the relay.
//
// Pass acknowledges the offered entry and adds a copy at the end of its
// stream listing who passed; Next hands such a copy back unoffered to those
// staff, so it stays available to everyone else at once (at the price of its
// place in line).
//
// An entry delivered MaxDeliveries times and still unacknowledged after
// ReclaimIdle is taken over by one process (XCLAIM), reported once with
// Notifier.Escalate(t, "poison") and moved to {prefix}handoff:dead. The
// ticket stays open in Postgres, so its card can still be claimed.
//
// Creating the "cards" group on a stream succeeds only where the stream had
// none: the one process that sees this republishes the stream's open,
// unassigned tickets through the outbox. Cards are recorded in Postgres
// (handoff_cards), so a republished ticket whose card was posted gets none.
//
// handoff imports storage and never Telegram types: the bot implements
// Notifier to post cards and alert supervisors.
package handoff
