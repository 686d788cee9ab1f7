"""Pure domain rules: validators, money, late fees, calendars, numbering."""
