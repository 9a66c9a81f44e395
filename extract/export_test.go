package extract

// CorrectionForTest exposes the re-ask message to the external tests.
var CorrectionForTest = correction
