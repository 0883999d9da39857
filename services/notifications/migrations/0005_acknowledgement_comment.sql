-- Why it was acknowledged, in the answerer's words (optional): shown with the answer.
ALTER TABLE acknowledgements ADD COLUMN comment text CHECK (char_length(comment) <= 500);
