package web

// Queue is one line of a work queue on a home page: how many things wait,
// the page that lists them all, and the first few.
type Queue struct {
	Key    string      `json:"key"`   // translation key of its title
	Title  string      `json:"title"` // the title in the reader's language
	Count  int         `json:"count"`
	Link   string      `json:"link,omitempty"`
	Urgent bool        `json:"urgent,omitempty"` // late: shown as a warning when not empty
	Items  []QueueItem `json:"items"`
}

// QueueItem is one thing waiting, linked to its page.
type QueueItem struct {
	Text string `json:"text"`
	Note string `json:"note,omitempty"` // its state or deadline, in the reader's language
	Link string `json:"link"`
}
