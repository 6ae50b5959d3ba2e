package intents

import "strings"

// Intent is what the owner wants from the service centre.
type Intent string

// The intents a message can have.
const (
	Repair    Intent = "repair"    // 报修: something is broken
	Complaint Intent = "complaint" // 投诉: unhappy with someone or something
	Inquiry   Intent = "inquiry"   // 咨询: a question or a procedure
	Other     Intent = "other"     // greetings, thanks, anything else
)

// Category is the field a message belongs to, used to route the ticket.
type Category string

// The categories a message can have.
const (
	CatWater          Category = "water"
	CatElectricity    Category = "electricity"
	CatLift           Category = "lift"
	CatDoorLock       Category = "door_lock"
	CatWallCeiling    Category = "wall_ceiling"
	CatGas            Category = "gas"
	CatPublicFacility Category = "public_facility"
	CatNoise          Category = "noise"
	CatNeighbour      Category = "neighbour"
	CatStaffAttitude  Category = "staff_attitude"
	CatSecurity       Category = "security"
	CatCleaning       Category = "cleaning"
	CatParking        Category = "parking"
	CatFees           Category = "fees"
	CatRenovation     Category = "renovation"
	CatPets           Category = "pets"
	CatOther          Category = "other"
)

// Valid reports whether i is one of the four intents.
func (i Intent) Valid() bool {
	switch i {
	case Repair, Complaint, Inquiry, Other:
		return true
	}
	return false
}

// Valid reports whether c is one of the known categories.
func (c Category) Valid() bool {
	for _, k := range categories {
		if k == c {
			return true
		}
	}
	return false
}

// categories in the model's head order (see internal/model.Categories).
var categories = [...]Category{CatWater, CatElectricity, CatLift, CatDoorLock, CatWallCeiling,
	CatGas, CatPublicFacility, CatNoise, CatNeighbour, CatStaffAttitude, CatSecurity,
	CatCleaning, CatParking, CatFees, CatRenovation, CatPets, CatOther}

// intentsOrder is the model's intent head order.
var intentsOrder = [...]Intent{Repair, Complaint, Inquiry, Other}

// Location is where the problem is: the owner's unit and/or a common area.
type Location struct {
	Unit string // normalised unit, e.g. "3栋2单元1201", "B座12楼C室", "Block B 12/F Flat C"; "" if none
	Area string // common area in English, e.g. "lobby", "car park", "12/F corridor", "lift 2"; "" if none
}

// String returns the location for people, "" when empty.
func (l Location) String() string {
	switch {
	case l.Unit == "":
		return l.Area
	case l.Area == "":
		return l.Unit
	}
	return l.Unit + ", " + l.Area
}

// Empty reports whether neither a unit nor an area is known.
func (l Location) Empty() bool {
	return strings.TrimSpace(l.Unit) == "" && strings.TrimSpace(l.Area) == ""
}

// ConfidenceThreshold is the confidence below which the bot must not guess
// the intent and asks the owner to choose.
const ConfidenceThreshold = 0.6

// Result is the understanding of one message.
type Result struct {
	Intent     Intent
	Confidence float64 // calibrated probability of Intent, 0..1
	Urgent     bool
	Category   Category
	Location   Location
	Summary    string // one line, in the message's language, at most about 60 runes
	Lang       string // "zh-Hans", "zh-Hant" or "en"
	Model      string // which model decided, e.g. "local-v1" or "llm:<model name>"
}

// Confident reports whether Confidence reaches ConfidenceThreshold; below it
// the bot asks the owner to choose.
func (r Result) Confident() bool { return r.Confidence >= ConfidenceThreshold }
