"""Pure calculations: plain data in, plain data out. No I/O, no clock, no global RNG."""
