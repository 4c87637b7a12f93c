// The advise module: right-sizing (sizing.h) and placement (placement.h),
// pure functions for `swarmform advise`.
