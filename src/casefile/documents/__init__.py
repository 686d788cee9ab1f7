"""Documents: templates → .docx (docxtpl, strict Jinja), 文号, issuance and freezing, PDF, batch.

Modules, each importable on its own (docxtpl and lxml load only when a document is made):

- ``doctypes`` the registry of document types D01–D32: look, recipient, deadline, typed ``x.*`` fields,
               place in the procedure and the volume
- ``context``  Case → template context (the contract in docs/architecture.md)
- ``remedy``   the 救济途径 sentences by issuing agency and act type
- ``engine``   finding, preparing and rendering templates
- ``check``    ``templates check``
- ``issue``    ``issue_document`` inside a dossier transaction; ``produce_document`` for the CLI
- ``pdf``      LibreOffice conversion (``convert_to_pdf``)
- ``batch``    many documents from a spreadsheet
"""
