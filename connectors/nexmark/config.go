package nexmark

import (
	"fmt"
	"strings"
)

// Config holds the generator's knobs, nexmark-rs's NexmarkConfig
// (NEXMARK.md 1.2). Counts and ids are int64; all must be non-negative,
// and the ones the generator divides by or draws below at least 1.
type Config struct {
	ActivePeople        int64 // people that can place auctions or bids
	InFlightAuctions    int64 // auctions open at a time (sizes auction lifetimes)
	OutOfOrderGroupSize int64 // unfiltered streams only; 1 = in order
	AvgPersonByteSize   int64 // size that person `extra` pads towards
	AvgAuctionByteSize  int64
	AvgBidByteSize      int64
	HotSellerRatio      int64 // P(hot) = 1 - 1/ratio
	HotAuctionRatio     int64
	HotBidderRatio      int64
	HotChannelRatio     int64
	FirstEventID        int64 // e = FirstEventID + n seeds the event and drives its ids
	FirstEventNumber    int64 // added to typed streams' global offsets
	BaseTime            int64 // ms since the epoch of event number 0
	NumCategories       int64
	AuctionIDLead       int64
	PersonIDLead        int64
	PersonProportion    int64
	AuctionProportion   int64
	BidProportion       int64
	FirstAuctionID      int64
	FirstPersonID       int64
	FirstCategoryID     int64
	// SineApproxSteps, RateShape and RatePeriod shape a varying rate;
	// RisingWave copies the first rate into the next, so they are inert.
	SineApproxSteps int64
	RateShape       string // "sine" or "square"
	RatePeriod      int64
	FirstEventRate  int64 // events per second of event time
	USPerUnit       int64 // microseconds per rate unit (1e6: rate per second)
	// NumEventGenerators multiplies the inter-event delay (RisingWave's
	// nexmark.threads).
	NumEventGenerators int64
	USStates           []string
	USCities           []string
	FirstNames         []string
	LastNames          []string
}

// DefaultBaseTime is the base time of typed sources: 2015-07-15 00:00:00
// UTC, in ms.
const DefaultBaseTime = 1436918400000

// DefaultConfig returns nexmark-rs's defaults with the typed sources'
// base time.
func DefaultConfig() Config {
	return Config{
		ActivePeople:        1000,
		InFlightAuctions:    100,
		OutOfOrderGroupSize: 1,
		AvgPersonByteSize:   200,
		AvgAuctionByteSize:  500,
		AvgBidByteSize:      100,
		HotSellerRatio:      4,
		HotAuctionRatio:     2,
		HotBidderRatio:      4,
		HotChannelRatio:     2,
		FirstEventID:        0,
		FirstEventNumber:    0,
		BaseTime:            DefaultBaseTime,
		NumCategories:       5,
		AuctionIDLead:       10,
		PersonIDLead:        10,
		PersonProportion:    1,
		AuctionProportion:   3,
		BidProportion:       46,
		FirstAuctionID:      1000,
		FirstPersonID:       1000,
		FirstCategoryID:     10,
		SineApproxSteps:     10,
		RateShape:           "sine",
		RatePeriod:          600,
		FirstEventRate:      10000,
		USPerUnit:           1000000,
		NumEventGenerators:  1,
		USStates:            splitList("az,ca,id,or,wa,wy"),
		USCities:            splitList("phoenix,los angeles,san francisco,boise,portland,bend,redmond,seattle,kent,cheyenne"),
		FirstNames:          splitList("peter,paul,luke,john,saul,vicky,kate,julie,sarah,deiter,walter"),
		LastNames:           splitList("shultz,abrams,spencer,white,bartels,walton,smith,jones,noris"),
	}
}

// splitList splits a comma-separated list as nexmark-rs does: no
// trimming, and "" is one empty entry.
func splitList(s string) []string { return strings.Split(s, ",") }

// knob is one integer field of Config with its option name and minimum.
type knob struct {
	option string // nexmark.<option>
	field  func(*Config) *int64
	min    int64
}

// knobs lists the integer knobs RisingWave lets a WITH option override
// (NEXMARK.md 3.1), with the least value the generator accepts: ratios,
// proportions and sizes it divides by or draws below are at least 1.
var knobs = []knob{
	{"active.people", func(c *Config) *int64 { return &c.ActivePeople }, 1},
	{"in.flight.auctions", func(c *Config) *int64 { return &c.InFlightAuctions }, 0},
	{"out.of.order.group.size", func(c *Config) *int64 { return &c.OutOfOrderGroupSize }, 1},
	{"avg.person.byte.size", func(c *Config) *int64 { return &c.AvgPersonByteSize }, 0},
	{"avg.auction.byte.size", func(c *Config) *int64 { return &c.AvgAuctionByteSize }, 0},
	{"avg.bid.byte.size", func(c *Config) *int64 { return &c.AvgBidByteSize }, 0},
	{"hot.seller.ratio", func(c *Config) *int64 { return &c.HotSellerRatio }, 1},
	{"hot.auction.ratio", func(c *Config) *int64 { return &c.HotAuctionRatio }, 1},
	{"hot.bidder.ratio", func(c *Config) *int64 { return &c.HotBidderRatio }, 1},
	{"hot.channel.ratio", func(c *Config) *int64 { return &c.HotChannelRatio }, 1},
	{"first.event.id", func(c *Config) *int64 { return &c.FirstEventID }, 0},
	{"first.event.number", func(c *Config) *int64 { return &c.FirstEventNumber }, 0},
	{"base.time", func(c *Config) *int64 { return &c.BaseTime }, 0},
	{"num.categories", func(c *Config) *int64 { return &c.NumCategories }, 1},
	{"auction.id.lead", func(c *Config) *int64 { return &c.AuctionIDLead }, 0},
	{"person.id.lead", func(c *Config) *int64 { return &c.PersonIDLead }, 0},
	{"person.proportion", func(c *Config) *int64 { return &c.PersonProportion }, 1},
	{"auction.proportion", func(c *Config) *int64 { return &c.AuctionProportion }, 1},
	{"bid.proportion", func(c *Config) *int64 { return &c.BidProportion }, 1},
	{"first.auction.id", func(c *Config) *int64 { return &c.FirstAuctionID }, 0},
	{"first.person.id", func(c *Config) *int64 { return &c.FirstPersonID }, 0},
	{"first.category.id", func(c *Config) *int64 { return &c.FirstCategoryID }, 0},
	{"sine.approx.steps", func(c *Config) *int64 { return &c.SineApproxSteps }, 1},
	{"rate.period", func(c *Config) *int64 { return &c.RatePeriod }, 1},
	{"first.event.rate", func(c *Config) *int64 { return &c.FirstEventRate }, 1},
	{"us.per.unit", func(c *Config) *int64 { return &c.USPerUnit }, 1},
	{"threads", func(c *Config) *int64 { return &c.NumEventGenerators }, 1},
}

// lists are the comma-separated knobs.
var lists = []struct {
	option string
	field  func(*Config) *[]string
}{
	{"us.states", func(c *Config) *[]string { return &c.USStates }},
	{"us.cities", func(c *Config) *[]string { return &c.USCities }},
	{"first.names", func(c *Config) *[]string { return &c.FirstNames }},
	{"last.names", func(c *Config) *[]string { return &c.LastNames }},
}

// configError is a knob out of range.
type configError struct {
	option string // without the "nexmark." prefix
	msg    string
}

func (e *configError) Error() string { return "nexmark." + e.option + " " + e.msg }

// check reports the first knob out of range, naming it by its option.
func (c *Config) check() error {
	for _, k := range knobs {
		if v := *k.field(c); v < k.min {
			return &configError{k.option, fmt.Sprintf("must be at least %d, got %d", k.min, v)}
		}
	}
	for _, l := range lists {
		if len(*l.field(c)) == 0 {
			return &configError{l.option, "must not be empty"}
		}
	}
	switch c.RateShape {
	case "sine", "square":
	default:
		return &configError{"rate.shape", fmt.Sprintf("must be sine or square, got %q", c.RateShape)}
	}
	return nil
}
