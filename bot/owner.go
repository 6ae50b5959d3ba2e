package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"

	"concierge/intents"
	"concierge/storage"
)

// Dialogue states kept in conversations.state.
const (
	stateIdle          = "idle"
	stateAwaitLocation = "await_location"
	stateAwaitKind     = "await_kind"
	stateAwaitSlot     = "await_slot"   // a what / who / when question before a ticket opens
	stateAwaitTicket   = "await_ticket" // which ticket a message is about
	stateAwaitExtras   = "await_extras" // optional photo or visit time after a repair opened
)

// dialogue is conversations.data: what the engine remembers between turns.
type dialogue struct {
	Draft  *draft    `json:"draft,omitempty"`
	Photos []string  `json:"photos,omitempty"` // photos sent before the ticket exists
	Since  time.Time `json:"since,omitempty"`  // first transcript line of this request

	Pending *pending `json:"pending,omitempty"` // a message waiting for "which ticket?"
	Extras  int64    `json:"extras,omitempty"`  // the repair offered a photo / visit time
}

// draft is a request being clarified before it becomes a ticket.
type draft struct {
	Text       string   `json:"text"`
	Intent     string   `json:"intent"`
	Category   string   `json:"category"`
	Urgent     bool     `json:"urgent"`
	Unit       string   `json:"unit,omitempty"`
	Area       string   `json:"area,omitempty"`
	Summary    string   `json:"summary"`
	Model      string   `json:"model"`
	Confidence float64  `json:"confidence"`
	Asked      []string `json:"asked,omitempty"` // slots asked about, in order
}

func fromResult(text string, r intents.Result) *draft {
	return &draft{Text: text, Intent: string(r.Intent), Category: string(r.Category), Urgent: r.Urgent,
		Unit: r.Location.Unit, Area: r.Location.Area, Summary: r.Summary, Model: r.Model, Confidence: r.Confidence}
}

func (d *draft) location() string {
	return intents.Location{Unit: d.Unit, Area: d.Area}.String()
}

func isEmptyJSON(b []byte) bool {
	s := strings.TrimSpace(string(b))
	return s == "" || s == "{}" || s == "null"
}

// owner is the person behind a private chat, in this turn.
type owner struct {
	storage.Owner
	conv storage.Conversation
	dlg  dialogue

	openTickets     int  // at the start of the turn
	awaitingComment bool // a scored callback may take this message as its comment
}

const maxUnderstandRunes = 1000

// loadOwner upserts the owner, settles the language and loads the dialogue.
func (b *Bot) loadOwner(ctx context.Context, t *turn, from *models.User, chatID int64, text string) (*owner, error) {
	name := strings.TrimSpace(from.FirstName + " " + from.LastName)
	lang := intents.DetectLang(text, from.LanguageCode)
	st, err := t.tx.OwnerTurn(ctx, from.ID, chatID, name, lang, tellsLanguage(text))
	if err != nil {
		return nil, err
	}
	conv := st.Conversation
	ow := &owner{Owner: st.Owner, conv: conv, openTickets: st.OpenTickets, awaitingComment: st.AwaitingComment}
	if len(conv.Data) > 0 {
		json.Unmarshal(conv.Data, &ow.dlg)
	}
	return ow, nil
}

// tellsLanguage reports whether a message says enough about the language
// its writer prefers: any Chinese, or a sentence of Latin words. "ok" or a
// command does not switch a Chinese speaker to English.
func tellsLanguage(s string) bool {
	if strings.HasPrefix(s, "/") {
		return false
	}
	words := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	for _, f := range strings.Fields(s) {
		if hasLetters(f) {
			words++
		}
	}
	return words >= 3
}

func hasLetters(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// saveDialogue stores the owner's dialogue state.
func (b *Bot) saveDialogue(ctx context.Context, t *turn, o *owner, state string) error {
	data, err := json.Marshal(o.dlg)
	if err != nil {
		return fmt.Errorf("encode dialogue: %w", err)
	}
	if state == stateIdle && o.conv.State == stateIdle && string(data) == "{}" && isEmptyJSON(o.conv.Data) {
		return nil // nothing to remember, nothing remembered: no write
	}
	o.conv.State, o.conv.Data, o.conv.UpdatedAt = state, data, t.now
	o.conv.ExpiresAt = nil
	if state != stateIdle {
		exp := t.now.Add(b.cfg.DialogueTimeout)
		o.conv.ExpiresAt = &exp
	}
	c := o.conv
	t.conv = &c // written with the turn's other writes at its end
	return nil
}

func (b *Bot) reset(ctx context.Context, t *turn, o *owner) error {
	o.dlg = dialogue{}
	return b.saveDialogue(ctx, t, o, stateIdle)
}

func (b *Bot) say(ctx context.Context, t *turn, o *owner, key string, args ...any) error {
	return b.send(ctx, t, o.ChatID, Out{Text: T(o.Lang, key, args...)}, false)
}

// ownerWords is what an owner's message says: its text, or a photo's
// caption, trimmed. The turn and understandFirst read it the same way.
func ownerWords(m *models.Message) string {
	if text := strings.TrimSpace(m.Text); text != "" {
		return text
	}
	return strings.TrimSpace(m.Caption)
}

// onOwnerMessage handles everything a private chat sends that no command or
// button handler took: words, photos, stickers and the rest.
func (b *Bot) onOwnerMessage(ctx context.Context, t *turn) error {
	m := t.upd.Message
	if m == nil || m.From == nil {
		return nil // edits, membership changes: nothing to answer
	}
	if m.Chat.Type != models.ChatTypePrivate {
		return nil // a group that is not the staff group: ignore politely
	}
	text := ownerWords(m)
	probe := text
	if strings.HasPrefix(probe, "/") {
		probe = ""
	}
	o, err := b.loadOwner(ctx, t, m.From, m.Chat.ID, probe)
	if err != nil {
		return err
	}
	photo := largestPhoto(m.Photo)
	if err := b.record(ctx, t, o, text, photo, nil); err != nil {
		return err
	}
	if o.dlg.Since.IsZero() {
		o.dlg.Since = t.now
	}
	if photo != "" {
		o.dlg.Photos = append(o.dlg.Photos, photo)
	}
	if o.conv.State == stateAwaitExtras && (photo != "" || text != "") && !strings.HasPrefix(text, "/") {
		if handled, err := b.answerExtras(ctx, t, o, text, photo); handled || err != nil {
			return err
		}
	}
	if text == "" && photo != "" && o.conv.State == stateIdle {
		if handled, err := b.followUp(ctx, t, o, text, photo); handled || err != nil {
			return err
		}
	}
	switch {
	case text == "" && photo != "":
		if err := b.saveDialogue(ctx, t, o, o.conv.State); err != nil {
			return err
		}
		return b.say(ctx, t, o, "photo.nocaption")
	case text == "":
		return b.say(ctx, t, o, "nontext")
	case !hasLetters(text) && !hasDigits(text):
		return b.say(ctx, t, o, "empty")
	case strings.HasPrefix(text, "/"):
		return b.say(ctx, t, o, "unknown.command")
	}
	switch {
	case o.conv.State == stateAwaitLocation && o.dlg.Draft != nil:
		return b.answerLocation(ctx, t, o, text)
	case o.conv.State == stateAwaitSlot && o.dlg.Draft != nil:
		return b.answerSlot(ctx, t, o, text)
	case o.conv.State == stateAwaitTicket && o.dlg.Pending != nil:
		// A new message instead of a button: the question lapses and the
		// pending message stays where it is (unfiled).
		if err := b.reset(ctx, t, o); err != nil {
			return err
		}
		if isWord(text, cancelWords) || isWord(text, skipWords) {
			return b.say(ctx, t, o, "extras.skipped")
		}
	}
	if handled, err := b.followUp(ctx, t, o, text, photo); handled || err != nil {
		return err
	}
	return b.understandAndAct(ctx, t, o, text)
}

func hasDigits(s string) bool {
	for _, r := range s {
		if unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

func largestPhoto(ps []models.PhotoSize) string {
	if len(ps) == 0 {
		return ""
	}
	best := ps[0]
	for _, p := range ps[1:] {
		if p.Width*p.Height > best.Width*best.Height {
			best = p
		}
	}
	return best.FileID
}

// record appends the owner's message to the transcript. Without a ticket it
// is written at the end of the turn, filed under the ticket the turn opens.
func (b *Bot) record(ctx context.Context, t *turn, o *owner, text, photo string, ticketID *int64) error {
	if text == "" && photo == "" {
		return nil
	}
	m := storage.Message{TicketID: ticketID, ChatID: o.ChatID, Direction: "in", Author: storage.AuthorOwner,
		Text: text, Photo: photo, UpdateID: &t.updateID, At: t.now}
	if ticketID != nil {
		return t.tx.AddMessage(ctx, m)
	}
	t.inbound = &m
	return nil
}

// understandAndAct decides what a fresh message is and acts on it.
func (b *Bot) understandAndAct(ctx context.Context, t *turn, o *owner, text string) error {
	r, err := b.understand(ctx, t, text)
	if err != nil {
		return err
	}
	d := fromResult(text, r)
	switch {
	case r.Urgent:
		if d.Intent != string(intents.Complaint) {
			d.Intent = string(intents.Repair)
		}
		return b.openTicket(ctx, t, o, d)
	case !r.Confident():
		o.dlg.Draft = d
		if err := b.saveDialogue(ctx, t, o, stateAwaitKind); err != nil {
			return err
		}
		return b.send(ctx, t, o.ChatID, Out{Text: T(o.Lang, "ask.kind"), Buttons: kindButtons(o.Lang)}, false)
	}
	return b.act(ctx, t, o, d)
}

// act moves a draft whose kind is known forward.
func (b *Bot) act(ctx context.Context, t *turn, o *owner, d *draft) error {
	switch intents.Intent(d.Intent) {
	case intents.Other:
		o.dlg.Draft = nil
		if err := b.reset(ctx, t, o); err != nil {
			return err
		}
		if isThanks(d.Text) {
			return b.say(ctx, t, o, "thanks.reply")
		}
		return b.say(ctx, t, o, "other.reply")
	case intents.Repair, intents.Complaint:
		if slot := nextSlot(d); slot != "" {
			return b.askSlot(ctx, t, o, d, slot)
		}
	case intents.Inquiry:
		if b.cfg.Answers != nil {
			if ans, ok := b.cfg.Answers.Answer(ctx, d.Text, o.Lang); ok {
				return b.answerInquiry(ctx, t, o, d, ans)
			}
		}
	}
	return b.openTicket(ctx, t, o, d)
}

var thanksWords = []string{"谢", "謝", "thank", "thx", "多謝", "唔該", "感谢", "感謝", "ty"}

func isThanks(s string) bool {
	l := strings.ToLower(s)
	for _, w := range thanksWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

func kindButtons(lang string) [][]Button {
	return [][]Button{
		{{Text: T(lang, "kind.repair"), Data: "k:repair"}, {Text: T(lang, "kind.complaint"), Data: "k:complaint"}},
		{{Text: T(lang, "kind.inquiry"), Data: "k:inquiry"}, {Text: T(lang, "kind.other"), Data: "k:other"}},
	}
}

// Words that end or shorten a dialogue, in the three languages.
var (
	cancelWords = []string{"取消", "算了", "不用了", "唔使", "唔要", "cancel", "never mind", "nevermind", "stop"}
	skipWords   = []string{"跳过", "跳過", "skip", "不知道", "唔知", "pass"}
)

func isWord(s string, words []string) bool {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(s), "\u3002.\uff01!~\uff5e "))
	for _, w := range words {
		if l == w {
			return true
		}
	}
	return false
}

// answerLocation takes the owner's answer to "where is it?".
func (b *Bot) answerLocation(ctx context.Context, t *turn, o *owner, text string) error {
	d := o.dlg.Draft
	if done, err := b.cancelOrSkip(ctx, t, o, text); done || err != nil {
		return err
	}
	r, err := b.understand(ctx, t, text)
	if err != nil {
		return err
	}
	// A message that is itself an emergency is not an answer to the
	// question: act on everything said so far. "5号楼302" is an answer,
	// whatever the model thinks of it.
	if r.Urgent && substantive(text, r.Location) {
		return b.understandAndAct(ctx, t, o, d.Text+"\n"+text)
	}
	d.Unit, d.Area = r.Location.Unit, r.Location.Area
	if d.Unit == "" && d.Area == "" {
		d.Area = truncateRunes(text, 80) // the owner's own words are the location
	}
	d.Text = d.Text + "\n" + text
	return b.act(ctx, t, o, d)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// cancelOrSkip handles "cancel" (drop the request) and "skip" (go on
// without the answer) given to any question of a dialogue; done says the
// words were one of them.
func (b *Bot) cancelOrSkip(ctx context.Context, t *turn, o *owner, text string) (done bool, err error) {
	switch {
	case isWord(text, cancelWords):
		if err := b.reset(ctx, t, o); err != nil {
			return true, err
		}
		return true, b.say(ctx, t, o, "flow.cancelled")
	case isWord(text, skipWords):
		return true, b.act(ctx, t, o, o.dlg.Draft)
	}
	return false, nil
}

// slaFor is the service commitment: emergencies finished within 8 hours,
// answers and ordinary repairs within a day, complaints within two.
func slaFor(kind string, urgent bool) time.Duration {
	switch {
	case urgent:
		return 8 * time.Hour
	case kind == storage.KindComplaint:
		return 48 * time.Hour
	}
	return 24 * time.Hour
}

// openTicket writes the ticket, its event and handoff, files the transcript
// and photos under it, and tells the owner what happens next.
func (b *Bot) openTicket(ctx context.Context, t *turn, o *owner, d *draft) error {
	kind := d.Intent
	if kind == string(intents.Other) {
		kind = storage.KindInquiry
	}
	claimDue := b.cfg.ClaimTimeoutNormal
	if d.Urgent {
		claimDue = b.cfg.ClaimTimeoutUrgent
	}
	summary := d.Summary
	if summary == "" {
		summary = truncateRunes(d.Text, 60)
	}
	tk, err := t.tx.CreateTicket(ctx, storage.NewTicket{
		Kind: kind, Category: d.Category, Urgent: d.Urgent, Estate: b.cfg.EstateName, Unit: d.Unit, Location: d.location(),
		Summary: summary, Body: d.Text, Lang: o.Lang, OwnerID: o.ID, SourceUpdateID: t.updateID,
		Model: d.Model, Confidence: d.Confidence, Now: t.now, ClaimDue: claimDue, SLA: slaFor(kind, d.Urgent), Loc: b.cfg.Location,
	})
	if errors.Is(err, storage.ErrDuplicate) {
		return nil // this update opened its ticket already
	}
	if err != nil {
		return err
	}
	t.ticketID = &tk.ID
	if since := o.dlg.Since; !since.IsZero() && since.Before(t.now) {
		// Earlier turns of this request wrote their lines unfiled.
		if err := t.tx.AttachMessages(ctx, o.ChatID, tk.ID, since); err != nil {
			return err
		}
	}
	if d.Unit != "" && d.Unit != o.Unit {
		if err := t.tx.SetOwnerUnit(ctx, o.ID, d.Unit); err != nil {
			return err
		}
	}
	t.handoff = true
	b.m.tickets.WithLabelValues(kind, fmt.Sprint(d.Urgent)).Inc()
	if err := b.reset(ctx, t, o); err != nil {
		return err
	}
	loc := tk.Location
	if loc == "" {
		loc = T(o.Lang, "location.none")
	}
	var msg string
	switch {
	case tk.Urgent:
		msg = T(o.Lang, "ticket.urgent", tk.Code, b.cfg.Hotline)
	case kind == storage.KindRepair:
		msg = T(o.Lang, "ticket.repair", tk.Code, loc, tk.Summary, tk.Code)
	case kind == storage.KindComplaint:
		msg = T(o.Lang, "ticket.complaint", tk.Code, tk.Summary, tk.Code)
	default:
		msg = T(o.Lang, "ticket.inquiry", tk.Code, tk.Summary, tk.SLADueAt.In(b.cfg.Location).Format("01-02 15:04"), tk.Code)
	}
	if utf8.RuneCountInString(d.Text) > maxUnderstandRunes {
		msg += "\n\n" + T(o.Lang, "toolong")
	}
	out := Out{Text: msg}
	if kind == storage.KindRepair && !tk.Urgent {
		if err := b.offerExtras(ctx, t, o, tk, &out); err != nil {
			return err
		}
	}
	return b.sendFor(ctx, t, o.ChatID, out, tk.Urgent, &tk.ID, "")
}

// onKindChosen handles the owner's choice among repair, complaint, inquiry
// and other, asked when the model was not sure.
func (b *Bot) onKindChosen(ctx context.Context, t *turn) error {
	cq := t.upd.CallbackQuery
	o, err := b.ownerButton(ctx, t)
	if err != nil || o == nil {
		return err
	}
	d := o.dlg.Draft
	if o.conv.State != stateAwaitKind || d == nil {
		return b.say(ctx, t, o, "flow.expired")
	}
	d.Intent = strings.TrimPrefix(cq.Data, "k:")
	switch intents.Intent(d.Intent) {
	case intents.Repair, intents.Complaint, intents.Inquiry, intents.Other:
	default:
		return b.say(ctx, t, o, "flow.expired")
	}
	d.Confidence = 1
	d.Model = "owner"
	return b.act(ctx, t, o, d)
}

// onSameLocation uses the unit the owner gave last time.
func (b *Bot) onSameLocation(ctx context.Context, t *turn) error {
	o, err := b.ownerButton(ctx, t)
	if err != nil || o == nil {
		return err
	}
	d := o.dlg.Draft
	if o.conv.State != stateAwaitLocation || d == nil || o.Unit == "" {
		return b.say(ctx, t, o, "flow.expired")
	}
	d.Unit = o.Unit
	return b.openTicket(ctx, t, o, d)
}

// ownerButton starts an owner's button press: the owner, with the press
// already answered; nil when the press was not in a private chat.
func (b *Bot) ownerButton(ctx context.Context, t *turn) (*owner, error) {
	o, err := b.loadOwnerFromCallback(ctx, t)
	if err != nil || o == nil {
		return nil, err
	}
	return o, b.answerButton(ctx, t, t.upd.CallbackQuery, "")
}

func (b *Bot) loadOwnerFromCallback(ctx context.Context, t *turn) (*owner, error) {
	cq := t.upd.CallbackQuery
	m := cq.Message.Message
	if m == nil || m.Chat.Type != models.ChatTypePrivate {
		return nil, b.answerButton(ctx, t, cq, "")
	}
	return b.loadOwner(ctx, t, &cq.From, m.Chat.ID, "")
}

// answerButton answers a button press so the client stops its spinner.
func (b *Bot) answerButton(ctx context.Context, t *turn, cq *models.CallbackQuery, text string) error {
	chat := cq.From.ID
	if m := cq.Message.Message; m != nil {
		chat = m.Chat.ID
	}
	return b.send(ctx, t, chat, Out{Kind: "answer", CallbackID: cq.ID, Text: text}, false)
}

// expireDialogues ends questions nobody answered, politely.
func (b *Bot) expireDialogues(ctx context.Context) {
	tick := time.NewTicker(30 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := b.ExpireDialogues(ctx); err != nil && ctx.Err() == nil {
			b.log.WarnContext(ctx, "expire dialogues", "err", err)
		}
	}
}

// ExpireDialogues closes every pending dialogue past its deadline, telling
// the owner nothing was opened.
func (b *Bot) ExpireDialogues(ctx context.Context) error {
	convs, err := b.store.ExpiredConversations(ctx, b.cfg.Now(), 100)
	if err != nil {
		return err
	}
	for _, c := range convs {
		err := b.inTx(ctx, func(t *turn) error {
			cur, err := t.tx.Conversation(ctx, c.ChatID)
			if err != nil || cur.State == stateIdle || cur.ExpiresAt == nil || cur.ExpiresAt.After(t.now) {
				return err
			}
			was := cur.State
			cur.State, cur.Data, cur.ExpiresAt, cur.UpdatedAt = stateIdle, json.RawMessage("{}"), nil, t.now
			if err := t.tx.SaveConversation(ctx, cur); err != nil {
				return err
			}
			if was == stateAwaitExtras {
				return nil // the ticket is open; the optional offer just lapses
			}
			lang, err := t.tx.ChatLang(ctx, c.ChatID)
			if err != nil {
				return err
			}
			return b.send(ctx, t, c.ChatID, Out{Text: T(lang, "flow.expired")}, false)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
