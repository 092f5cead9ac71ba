"""For analysts: results as DataFrames (`dataframe`), spreadsheets (`spreadsheet`) and notebook views
(`display`)."""
