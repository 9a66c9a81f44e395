package sink

// evidenceSchema is the JSON Schema of the evidence of one document (a
// JSON array of evidence.Item, see package evidence) as the Parquet and
// SQLite sinks lay it out. Fields that evidence.Item leaves out when empty
// are nullable.
const evidenceSchema = `{
  "type": ["array", "null"],
  "items": {
    "type": "object",
    "properties": {
      "pointer": {"type": "string"},
      "value": {},
      "quote": {"type": "string"},
      "page": {"type": ["integer", "null"]},
      "start": {"type": "integer"},
      "end": {"type": "integer"},
      "match": {"type": "string", "enum": ["exact", "normalized", "fuzzy", "none"]},
      "score": {"type": "number"},
      "verdict": {"type": "string", "enum": ["supported", "unsupported", "not_found", "unchecked"]},
      "reason": {"type": ["string", "null"]},
      "boxes": {
        "type": ["array", "null"],
        "items": {
          "type": "object",
          "properties": {
            "page": {"type": "integer"},
            "x": {"type": "number"},
            "y": {"type": "number"},
            "w": {"type": "number"},
            "h": {"type": "number"}
          }
        }
      }
    }
  }
}`
