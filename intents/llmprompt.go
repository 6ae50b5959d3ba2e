package intents

import "encoding/json"

// systemPrompt tells the chat model its job; the schema below constrains the
// answer.
const systemPrompt = `You classify one message an owner or tenant sent to the customer-service centre of a property-management company (物业客服中心). Messages are in simplified or traditional Chinese, Cantonese or English.
Answer only with JSON matching the schema:
- intent: "repair" (something is broken and needs fixing), "complaint" (unhappy with neighbours, staff, noise, cleaning, security, fees, a slow or bad repair), "inquiry" (a question or procedure: fees, renovation, parking cards, move-in/out, outages, office hours), or "other" (greetings, thanks, anything else). "报修三天了都没人来" is a complaint; "电梯坏了的话找谁?" is an inquiry.
- confidence: your probability (0 to 1) that intent is right.
- urgent: true for emergencies: gas smell or leak, fire or smoke, someone trapped in a lift, a burst pipe or flooding, sparks or electric shock, no power or water for the whole home, break-ins, anyone hurt. When in doubt, true.
- category: one of water, electricity, lift, door_lock, wall_ceiling, gas, public_facility, noise, neighbour, staff_attitude, security, cleaning, parking, fees, renovation, pets, other.
- location.unit: the owner's unit as written (e.g. "3栋2单元1201", "Block B 12/F Flat C"), "" if none. location.area: a common area in English (e.g. "lobby", "car park", "12/F corridor", "lift 2"), "" if none.
- summary: one line of at most 40 characters, in the language and script of the message.`

// answerSchema is the JSON schema of the model's answer (strict mode: every
// property required, no others).
var answerSchema = json.RawMessage(`{
  "type": "object",
  "additionalProperties": false,
  "required": ["intent", "confidence", "urgent", "category", "location", "summary"],
  "properties": {
    "intent": {"type": "string", "enum": ["repair", "complaint", "inquiry", "other"]},
    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    "urgent": {"type": "boolean"},
    "category": {"type": "string", "enum": ["water", "electricity", "lift", "door_lock", "wall_ceiling", "gas", "public_facility", "noise", "neighbour", "staff_attitude", "security", "cleaning", "parking", "fees", "renovation", "pets", "other"]},
    "location": {
      "type": "object",
      "additionalProperties": false,
      "required": ["unit", "area"],
      "properties": {"unit": {"type": "string"}, "area": {"type": "string"}}
    },
    "summary": {"type": "string"}
  }
}`)
