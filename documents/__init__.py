"""Reading uploaded documents (PDF, Word, OpenDocument) safely: checks, text and passages."""
