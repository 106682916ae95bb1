// The declaration is the whole of this module (include/CFuzzDriver.h); SwiftPM wants a
// source file in every C target.
#include "CFuzzDriver.h"
